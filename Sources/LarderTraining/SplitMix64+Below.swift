import Larder

extension SplitMix64 {
    /// A uniform integer in `0..<bound` by modulo: the stream trained models were seeded with (kept, so a
    /// seed trains the same model as before; the bias is below 2⁻⁴⁰ for the bounds used here).
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
