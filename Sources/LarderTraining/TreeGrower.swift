/// Grows one regression tree on binned inputs, best-first (the leaf with the largest gain splits next),
/// like LightGBM and scikit-learn's HistGradientBoosting.
///
/// A split at bin `j` of feature `f` sends bins `0...j` left; missing values (bin 255) go to whichever
/// side gains more, or — when the node had none — to the side with more rows. Leaf values are the
/// Newton step `-learningRate · G / (H + l2)`.
///
/// ```swift
/// let grower = TreeGrower(bins: binned, rows: n, binner: binner, options: options)
/// let tree = grower.grow(gradients: pairs, scores: &trainScores)
/// ```
final class TreeGrower {
    /// Row-major (`row * features + feature`): the histogram loop reads all features of a row at once.
    private let bins: [UInt8]
    /// Feature-major (`feature * rows + row`): the partition reads one feature, densely.
    private let binsByFeature: [UInt8]
    private let rowCount: Int
    private let featureCount: Int
    private let binner: FeatureBinner
    private let options: GradientBoostingOptions
    private var indices: [Int32]
    private var rightScratch: [Int32]

    private struct Split {
        var gain: Double
        var feature: Int
        var bin: Int
        var missingGoesLeft: Bool
        var left: HistogramBin
    }

    private struct Node {
        var range: Range<Int>
        var sums: HistogramBin
        var depth: Int
        var histogram: Histogram?
        var split: Split?
        // Output tree fields.
        var feature = -1
        var threshold = 0.0
        var missingGoesLeft = false
        var left = -1
        var right = -1
        var value = 0.0
    }

    init(bins: [UInt8], rows: Int, binner: FeatureBinner, options: GradientBoostingOptions) {
        self.bins = bins
        let features = binner.featureCount
        self.binsByFeature = [UInt8](unsafeUninitializedCapacity: bins.count) { out, count in
            for r in 0..<rows {
                for f in 0..<features { out[f * rows + r] = bins[r * features + f] }
            }
            count = bins.count
        }
        self.rowCount = rows
        self.featureCount = binner.featureCount
        self.binner = binner
        self.options = options
        self.indices = (0..<Int32(rows)).map { $0 }
        self.rightScratch = [Int32](repeating: 0, count: rows + 1)
    }

    /// Grows a tree for the given gradients and adds its leaf values to `scores` (one per training row).
    func grow(gradients: [GradientPair], scores: inout [Double]) -> DecisionTree {
        indices.withUnsafeMutableBufferPointer { idx in
            for i in idx.indices { idx[i] = Int32(i) }   // root rows in order: the root pass is sequential
        }
        var nodes: [Node] = []
        let rootHistogram = histogram(0..<rowCount, gradients)
        var rootSums = HistogramBin()
        for b in 0..<Histogram.binsPerFeature where featureCount > 0 {
            let bin = rootHistogram.bins[b]
            rootSums.gradient += bin.gradient
            rootSums.hessian += bin.hessian
            rootSums.count += bin.count
        }
        if featureCount == 0 {
            for pair in gradients { rootSums.gradient += pair.gradient; rootSums.hessian += pair.hessian; rootSums.count += 1 }
        }
        nodes.append(Node(range: 0..<rowCount, sums: rootSums, depth: 0, histogram: rootHistogram))
        nodes[0].split = bestSplit(rootHistogram, sums: rootSums)
        var leaves = 1
        while leaves < options.maxLeafNodes {
            var best = -1
            for (i, node) in nodes.enumerated() where node.feature < 0 && node.left < 0 {
                guard let split = node.split else { continue }
                if best < 0 || split.gain > nodes[best].split!.gain { best = i }
            }
            guard best >= 0 else { break }
            split(best, in: &nodes, gradients)
            leaves += 1
        }
        // Leaves: record values and add them to the training scores.
        for i in nodes.indices where nodes[i].left < 0 {
            let s = nodes[i].sums
            let value = -options.learningRate * s.gradient / (s.hessian + options.l2)
            nodes[i].value = value
            let range = nodes[i].range
            indices.withUnsafeBufferPointer { idx in
                scores.withUnsafeMutableBufferPointer { out in
                    for k in range { out[Int(idx[k])] += value }
                }
            }
        }
        return DecisionTree(feature: nodes.map(\.feature), threshold: nodes.map(\.threshold),
                            missingGoesLeft: nodes.map(\.missingGoesLeft), left: nodes.map(\.left),
                            right: nodes.map(\.right), value: nodes.map(\.value))
    }

    private func histogram(_ range: Range<Int>, _ gradients: [GradientPair]) -> Histogram {
        indices.withUnsafeBufferPointer { idx in
            bins.withUnsafeBufferPointer { b in
                gradients.withUnsafeBufferPointer { g in
                    Histogram.build(rows: UnsafeBufferPointer(rebasing: idx[range]), bins: b.baseAddress!,
                                    features: featureCount, gradients: g.baseAddress!)
                }
            }
        }
    }

    private func split(_ index: Int, in nodes: inout [Node], _ gradients: [GradientPair]) {
        let node = nodes[index]
        let split = node.split!
        let f = split.feature, cut = UInt8(split.bin), missingLeft = split.missingGoesLeft
        let leftEnd = partition(node.range, feature: f, cut: cut, missingGoesLeft: missingLeft)
        var rightSums = node.sums
        rightSums.gradient -= split.left.gradient
        rightSums.hessian -= split.left.hessian
        rightSums.count -= split.left.count
        let depth = node.depth + 1
        var left = Node(range: node.range.lowerBound..<leftEnd, sums: split.left, depth: depth)
        var right = Node(range: leftEnd..<node.range.upperBound, sums: rightSums, depth: depth)
        let leftCanSplit = canSplit(left), rightCanSplit = canSplit(right)
        if leftCanSplit || rightCanSplit, let parent = node.histogram {
            let leftIsSmaller = left.range.count <= right.range.count
            let small = histogram(leftIsSmaller ? left.range : right.range, gradients)
            let large = small.subtracted(from: parent)
            left.histogram = leftIsSmaller ? small : large
            right.histogram = leftIsSmaller ? large : small
            if leftCanSplit { left.split = bestSplit(left.histogram!, sums: left.sums) }
            if rightCanSplit { right.split = bestSplit(right.histogram!, sums: right.sums) }
            if !leftCanSplit { left.histogram = nil }
            if !rightCanSplit { right.histogram = nil }
        }
        let t = binner.thresholds[f]
        nodes[index].feature = f
        nodes[index].threshold = split.bin < t.count ? t[split.bin] : .greatestFiniteMagnitude
        nodes[index].missingGoesLeft = missingLeft
        nodes[index].left = nodes.count
        nodes[index].right = nodes.count + 1
        nodes[index].histogram = nil
        nodes[index].split = nil
        nodes.append(left)
        nodes.append(right)
    }

    /// Stable partition of the node's rows: left rows keep their order at the front, right rows follow
    /// in order. Large nodes are partitioned in fixed chunks in parallel — each chunk compacts its left
    /// rows in place and its right rows into scratch, branch-free — then the chunks are stitched in order.
    private func partition(_ range: Range<Int>, feature f: Int, cut: UInt8, missingGoesLeft: Bool) -> Int {
        let chunks = ParallelChunks(count: range.count, rowsPerChunk: 32_768, maxChunks: 16)
        var leftCounts = [Int](repeating: 0, count: chunks.count)
        let start = range.lowerBound
        let missingLeft = missingGoesLeft ? 1 : 0
        return indices.withUnsafeMutableBufferPointer { idx in
            rightScratch.withUnsafeMutableBufferPointer { rights in
                binsByFeature.withUnsafeBufferPointer { b in
                    leftCounts.withUnsafeMutableBufferPointer { counts in
                        let bins = b.baseAddress! + f * rowCount, rows = idx.baseAddress!, right = rights.baseAddress!
                        chunks.run { c, sub in
                            let from = start + sub.lowerBound
                            var nl = from, nr = from
                            for k in (start + sub.lowerBound)..<(start + sub.upperBound) {
                                let r = rows[k]
                                let bin = bins[Int(r)]
                                // Arithmetic, not branches: the direction is unpredictable.
                                let isMissing = (bin &+ 1) == 0 ? 1 : 0
                                let isLow = bin <= cut ? 1 : 0
                                let goLeft = isMissing &* missingLeft | (1 &- isMissing) &* isLow
                                rows[nl] = r   // nl <= k: never overwrites a row not yet read
                                right[nr] = r
                                nl &+= goLeft
                                nr &+= 1 &- goLeft
                            }
                            counts[c] = nl - from
                        }
                        // Left runs move down (never past their source), so in chunk order they cannot clobber.
                        var leftEnd = start
                        for c in 0..<chunks.count {
                            let from = start + chunks.ranges[c].lowerBound
                            if leftEnd != from { (rows + leftEnd).update(from: rows + from, count: counts[c]) }
                            leftEnd += counts[c]
                        }
                        var rightEnd = leftEnd
                        for c in 0..<chunks.count {
                            let from = start + chunks.ranges[c].lowerBound, count = chunks.ranges[c].count - counts[c]
                            (rows + rightEnd).update(from: right + from, count: count)
                            rightEnd += count
                        }
                        return leftEnd
                    }
                }
            }
        }
    }

    private func canSplit(_ node: Node) -> Bool {
        node.depth < options.maxDepth && node.range.count >= 2 * options.minSamplesLeaf
    }

    /// The best split over all features of a node, or nil when none gains.
    private func bestSplit(_ histogram: Histogram, sums: HistogramBin) -> Split? {
        let l2 = options.l2, minLeaf = options.minSamplesLeaf, minHessian = options.minHessianLeaf
        let parentScore = sums.gradient * sums.gradient / (sums.hessian + l2)
        var best: Split?
        histogram.bins.withUnsafeBufferPointer { hist in
            for f in 0..<featureCount {
                let base = f * Histogram.binsPerFeature
                let binCount = binner.binCount(f)
                let missing = hist[base + Int(FeatureBinner.missingBin)]
                // Two passes: missing values right (pass 0), then left (pass 1, only when there are any).
                for pass in 0..<(missing.count > 0 ? 2 : 1) {
                    var left = pass == 1 ? missing : HistogramBin()
                    // With missing values right, cutting after the last bin separates missing from the rest.
                    let lastCut = pass == 0 && missing.count > 0 ? binCount - 1 : binCount - 2
                    guard lastCut >= 0 else { continue }
                    for j in 0...lastCut {
                        let bin = hist[base + j]
                        left.gradient += bin.gradient
                        left.hessian += bin.hessian
                        left.count += bin.count
                        let rightCount = sums.count - left.count
                        if left.count < minLeaf { continue }
                        if rightCount < minLeaf { break }
                        let rightG = sums.gradient - left.gradient, rightH = sums.hessian - left.hessian
                        if left.hessian < minHessian || rightH < minHessian { continue }
                        let gain = left.gradient * left.gradient / (left.hessian + l2) + rightG * rightG / (rightH + l2) - parentScore
                        if gain > (best?.gain ?? options.minGain) {
                            let missingLeft = missing.count > 0 ? pass == 1 : left.count >= rightCount
                            best = Split(gain: gain, feature: f, bin: j, missingGoesLeft: missingLeft, left: left)
                        }
                    }
                }
            }
        }
        return best
    }
}
