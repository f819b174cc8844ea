import Foundation

extension ModelTrainer {
    /// Trains on a dedicated thread and resumes the caller when done, so a server's event loops and
    /// Swift's cooperative thread pool are never blocked by minutes of number crunching.
    ///
    /// ```swift
    /// let result = try await ModelTrainer.trainOnDedicatedThread(data, options: options)
    /// ```
    public static func trainOnDedicatedThread(_ data: TrainingData, options: TrainingOptions) async throws(TrainingError) -> TrainingResult {
        let outcome: Result<TrainingResult, TrainingError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(TrainingError) in try train(data, options: options) })
            }
            thread.name = "larder-training"
            thread.start()
        }
        return try outcome.get()
    }
}
