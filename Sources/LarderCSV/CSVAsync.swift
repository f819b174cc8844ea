public import LarderColumnar
import Dispatch

extension CSVReader {
    /// ``read(path:)`` on a Dispatch worker thread, so async callers do not block a thread of Swift's
    /// cooperative pool with file I/O and parsing. (A distinct name, not an `async` overload, so that
    /// existing synchronous calls inside async functions keep compiling.)
    ///
    /// ```swift
    /// let batch = try await CSVReader(schema: schema).readInBackground(path: "driver_stats.csv")
    /// ```
    public func readInBackground(path: String) async throws(CSVError) -> ColumnBatch {
        let reader = self
        let result: Result<ColumnBatch, CSVError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(CSVError) {
                    continuation.resume(returning: .success(try reader.read(path: path)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

extension CSVWriter {
    /// ``write(_:to:)`` on a Dispatch worker thread (see ``CSVReader/readInBackground(path:)``).
    ///
    /// ```swift
    /// try await CSVWriter().writeInBackground(trainingSet, to: "training_set.csv")
    /// ```
    public func writeInBackground(_ batch: ColumnBatch, to path: String) async throws(CSVError) {
        let writer = self
        let result: Result<Void, CSVError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(CSVError) {
                    try writer.write(batch, to: path)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }
}
