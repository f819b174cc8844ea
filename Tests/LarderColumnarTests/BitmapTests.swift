import Larder
import LarderColumnar
import Testing

@Suite struct BitmapTests {
    @Test func appendAndSubscript() {
        var b = Bitmap(count: 0, allSet: false)
        let bits = (0..<200).map { $0 % 3 == 0 }
        for bit in bits { b.append(bit) }
        #expect(b.count == 200)
        #expect((0..<200).map { b[$0] } == bits)
        #expect(b.setCount == bits.filter { $0 }.count)
        b[1] = true
        #expect(b[1])
        b[0] = false
        #expect(!b[0])
    }

    @Test func allSetClearsTailBits() {
        let b = Bitmap(count: 70, allSet: true)
        #expect(b.setCount == 70)
        #expect(b.allSet)
        #expect(b.words[1] == (1 << 6) - 1)
    }

    @Test func appendRepeatingMatchesBitByBit() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<50 {
            var fast = Bitmap(count: 0, allSet: false)
            var slow = Bitmap(count: 0, allSet: false)
            for _ in 0..<5 {
                let n = Int(rng.next() % 150)
                let bit = rng.next() & 1 == 1
                fast.append(repeating: bit, count: n)
                for _ in 0..<n { slow.append(bit) }
            }
            #expect(fast == slow)
        }
    }

    @Test func sliceAlignedAndUnaligned() {
        let bits = (0..<300).map { ($0 * 7) % 5 < 2 }
        let b = Bitmap(bits)
        for range in [0..<300, 64..<128, 3..<250, 299..<300, 10..<10] {
            let s = b.slice(range)
            #expect(s.count == range.count)
            #expect((0..<s.count).map { s[$0] } == Array(bits[range]))
        }
    }

    @Test func gatherAndConcatenate() {
        let bits = (0..<100).map { $0 % 4 == 1 }
        let b = Bitmap(bits)
        let idx = [99, 1, 1, 0, 5, 50]
        let g = b.gather(idx)
        #expect((0..<g.count).map { g[$0] } == idx.map { bits[$0] })
        var c = Bitmap(Array(bits[0..<37]))
        c.append(contentsOf: Bitmap(Array(bits[37...])))
        #expect(c == b)
    }
}
