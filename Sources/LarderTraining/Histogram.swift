/// The gradient and hessian of one training row, side by side so the histogram loop loads both at once.
struct GradientPair: Sendable {
    var gradient: Double
    var hessian: Double
}

/// Gradient statistics of the rows that fall into one bin of one feature.
struct HistogramBin: Sendable {
    var gradient: Double = 0
    var hessian: Double = 0
    var count: Int = 0
}

/// Per node, 256 ``HistogramBin``s per feature (255 value bins + the missing bin), feature-major.
///
/// Building it is the hot loop of boosting: the rows of a node are visited once, and each row's bins
/// (contiguous, row-major `UInt8`) update every feature's histogram. Large nodes are cut into fixed
/// chunks built in parallel and summed in chunk order, so the result never depends on scheduling.
///
/// ```swift
/// let h = Histogram.build(rows: indices[range], bins: binned, features: 6, gradients: pairs)
/// ```
struct Histogram {
    static let binsPerFeature = 256
    var bins: [HistogramBin]

    static func build(rows: UnsafeBufferPointer<Int32>, bins: UnsafePointer<UInt8>, features: Int,
                      gradients: UnsafePointer<GradientPair>) -> Histogram {
        let size = features * binsPerFeature
        let chunks = ParallelChunks(count: rows.count, rowsPerChunk: 16_384, maxChunks: 16)
        var partials = [HistogramBin](repeating: HistogramBin(), count: size * chunks.count)
        partials.withUnsafeMutableBufferPointer { out in
            let outBase = out.baseAddress!
            chunks.run { c, range in
                let hist = outBase + c * size
                // Rows of a deep node are scattered: first gather a block of gradient pairs and bins in a
                // loop of independent loads (many cache misses in flight), then accumulate from the
                // block, where the histogram updates no longer wait on memory.
                let block = 256
                let pairs = UnsafeMutablePointer<GradientPair>.allocate(capacity: block)
                let blockBins = UnsafeMutablePointer<UInt8>.allocate(capacity: block * features)
                defer { pairs.deallocate(); blockBins.deallocate() }
                var start = range.lowerBound
                while start < range.upperBound {
                    let count = min(block, range.upperBound - start)
                    for i in 0..<count {
                        let r = Int(rows[start + i])
                        pairs[i] = gradients[r]
                        let source = bins + r * features, target = blockBins + i * features
                        for f in 0..<features { target[f] = source[f] }
                    }
                    for i in 0..<count {
                        let g = pairs[i].gradient, h = pairs[i].hessian
                        let rowBins = blockBins + i * features
                        for f in 0..<features {
                            let bin = hist + (f &* binsPerFeature &+ Int(rowBins[f]))
                            bin.pointee.gradient += g
                            bin.pointee.hessian += h
                            bin.pointee.count &+= 1
                        }
                    }
                    start += count
                }
            }
        }
        if chunks.count == 1 { return Histogram(bins: partials) }
        var total = Array(partials[0..<size])
        for c in 1..<chunks.count {
            let o = c * size
            for i in 0..<size {
                total[i].gradient += partials[o + i].gradient
                total[i].hessian += partials[o + i].hessian
                total[i].count += partials[o + i].count
            }
        }
        return Histogram(bins: total)
    }

    /// The sibling's histogram: parent minus this child (cheaper than visiting the larger child's rows).
    func subtracted(from parent: Histogram) -> Histogram {
        var out = parent.bins
        for i in out.indices {
            out[i].gradient -= bins[i].gradient
            out[i].hessian -= bins[i].hessian
            out[i].count -= bins[i].count
        }
        return Histogram(bins: out)
    }
}
