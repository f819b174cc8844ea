/// One regression tree of a boosted ensemble, stored as parallel node arrays (node 0 is the root).
///
/// An internal node sends `x[feature] <= threshold` left, a NaN (missing) value left when
/// `missingGoesLeft`, everything else right. A leaf has `feature == -1` and adds `value` to the score.
///
/// ```swift
/// let tree = DecisionTree(feature: [0, -1, -1], threshold: [0.5, 0, 0], missingGoesLeft: [true, false, false],
///                         left: [1, -1, -1], right: [2, -1, -1], value: [0, -1, 1])
/// tree.leafValue([0.7])   // 1
/// ```
public struct DecisionTree: Sendable, Codable, Equatable {
    public var feature: [Int]
    public var threshold: [Double]
    public var missingGoesLeft: [Bool]
    public var left: [Int]
    public var right: [Int]
    public var value: [Double]

    public init(feature: [Int], threshold: [Double], missingGoesLeft: [Bool], left: [Int], right: [Int], value: [Double]) {
        self.feature = feature
        self.threshold = threshold
        self.missingGoesLeft = missingGoesLeft
        self.left = left
        self.right = right
        self.value = value
    }

    public var nodeCount: Int { feature.count }
    public var leafCount: Int { feature.count(where: { $0 < 0 }) }

    /// The value of the leaf `x` falls into.
    @inline(__always)
    func leafValue(_ x: UnsafePointer<Double>) -> Double {
        withNodes { nodes in nodes.leafValue(x) }
    }

    /// Runs `body` with unchecked views of the node arrays (no per-node bounds checks or retains).
    @inline(__always)
    func withNodes<R>(_ body: (Nodes) -> R) -> R {
        feature.withUnsafeBufferPointer { f in
            threshold.withUnsafeBufferPointer { t in
                missingGoesLeft.withUnsafeBufferPointer { m in
                    left.withUnsafeBufferPointer { l in
                        right.withUnsafeBufferPointer { r in
                            value.withUnsafeBufferPointer { v in
                                body(Nodes(feature: f.baseAddress!, threshold: t.baseAddress!, missingGoesLeft: m.baseAddress!,
                                           left: l.baseAddress!, right: r.baseAddress!, value: v.baseAddress!))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Pointers to the node arrays of a tree that ``validate(inputCount:)`` accepted.
    struct Nodes {
        let feature: UnsafePointer<Int>
        let threshold: UnsafePointer<Double>
        let missingGoesLeft: UnsafePointer<Bool>
        let left: UnsafePointer<Int>
        let right: UnsafePointer<Int>
        let value: UnsafePointer<Double>

        @inline(__always)
        func leafValue(_ x: UnsafePointer<Double>) -> Double {
            var node = 0
            while true {
                let f = feature[node]
                if f < 0 { return value[node] }
                let v = x[f]
                let goLeft = v.isNaN ? missingGoesLeft[node] : v <= threshold[node]
                node = goLeft ? left[node] : right[node]
            }
        }
    }

    public func leafValue(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { leafValue($0.baseAddress!) }
    }

    /// Checks that child links stay inside the tree and features inside `inputCount`.
    func validate(inputCount: Int) throws(TrainingError) {
        let n = feature.count
        guard n > 0, [threshold.count, missingGoesLeft.count, left.count, right.count, value.count].allSatisfy({ $0 == n }) else {
            throw .invalidArtifact("a tree's node arrays differ in length or are empty")
        }
        for i in 0..<n where feature[i] >= 0 {
            guard feature[i] < inputCount, left[i] > i, left[i] < n, right[i] > i, right[i] < n else {
                throw .invalidArtifact("tree node \(i) links outside the tree or uses input \(feature[i]) of \(inputCount)")
            }
        }
    }
}
