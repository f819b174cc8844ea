/// Accumulates `Σ wᵢ x̃ᵢ x̃ᵢᵀ`, `Σ rᵢ x̃ᵢ` and `Σ lossᵢ` over the rows of a matrix, with `x̃ = [1, x]`.
///
/// This one pass is the whole cost of a ridge fit and of a Newton step of logistic regression. Rows
/// are taken in blocks of 64, transposed into small column buffers, and every Gram entry of a block is
/// a 64-long dot product in SIMD registers (instead of one memory update per row and entry). Rows are
/// cut into fixed chunks summed in parallel and combined in chunk order, so results are deterministic.
///
/// ```swift
/// let sums = NormalEquations.accumulate(x) { row, _ in (weight: 1, rhs: y[row], loss: 0) }
/// ```
struct NormalEquations {
    /// Row-major `dimension × dimension`, symmetric.
    var gram: [Double]
    var vector: [Double]
    var loss: Double
    let dimension: Int

    static let blockRows = 64

    static func accumulate(
        _ x: DenseMatrix,
        rowTerms: (_ row: Int, _ inputs: UnsafePointer<Double>) -> (weight: Double, rhs: Double, loss: Double)
    ) -> NormalEquations {
        let p = x.columns, d = p + 1, block = blockRows
        let chunks = ParallelChunks(count: x.rows)
        let stride = d * d + d + 1
        var partials = [Double](repeating: 0, count: stride * chunks.count)
        x.values.withUnsafeBufferPointer { values in
            partials.withUnsafeMutableBufferPointer { out in
                let base = values.baseAddress!, outBase = out.baseAddress!
                chunks.run { c, rows in
                    let gram = outBase + c * stride, vector = gram + d * d, loss = vector + d
                    // columns[j * block + i] = x̃ of row i of the block; weighted = w · columns; rhs = r.
                    let columns = UnsafeMutablePointer<Double>.allocate(capacity: d * block)
                    let weighted = UnsafeMutablePointer<Double>.allocate(capacity: d * block)
                    let rhs = UnsafeMutablePointer<Double>.allocate(capacity: block)
                    defer { columns.deallocate(); weighted.deallocate(); rhs.deallocate() }
                    var start = rows.lowerBound
                    while start < rows.upperBound {
                        let count = min(block, rows.upperBound - start)
                        var blockLoss = 0.0
                        for i in 0..<block {
                            guard i < count else {
                                // Padding rows weigh nothing.
                                for j in 0..<d { columns[j * block + i] = 0; weighted[j * block + i] = 0 }
                                rhs[i] = 0
                                continue
                            }
                            let row = base + (start + i) * p
                            let (w, r, l) = rowTerms(start + i, row)
                            blockLoss += l
                            rhs[i] = r
                            columns[i] = 1
                            weighted[i] = w
                            for j in 0..<p {
                                columns[(j + 1) * block + i] = row[j]
                                weighted[(j + 1) * block + i] = w * row[j]
                            }
                        }
                        loss.pointee += blockLoss
                        for j in 0..<d {
                            vector[j] += dot(rhs, columns + j * block, block)
                            for k in 0...j { gram[j * d + k] += dot(weighted + j * block, columns + k * block, block) }
                        }
                        start += count
                    }
                }
            }
        }
        var result = NormalEquations(gram: [Double](repeating: 0, count: d * d), vector: [Double](repeating: 0, count: d), loss: 0, dimension: d)
        for c in 0..<chunks.count {
            let o = c * stride
            for i in 0..<(d * d) { result.gram[i] += partials[o + i] }
            for i in 0..<d { result.vector[i] += partials[o + d * d + i] }
            result.loss += partials[o + d * d + d]
        }
        for i in 0..<d { for j in (i + 1)..<max(d, i + 1) { result.gram[i * d + j] = result.gram[j * d + i] } }
        return result
    }

    /// A dot product of `count` (a multiple of 8) doubles, in two SIMD accumulators.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i < count {
            s0 += ra.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
            s1 += ra.loadUnaligned(fromByteOffset: i * 8 + 32, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: i * 8 + 32, as: SIMD4<Double>.self)
            i += 8
        }
        return (s0 + s1).sum()
    }
}
