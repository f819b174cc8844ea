internal import Larder

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level parsers for one field's text, used in the reader's hot loop: no `String`, no allocation
/// (except the rare `strtod` fallback, which copies at most a field into a stack buffer).
enum CSVFieldParsing {
    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

    /// A signed decimal integer (`-12`, `+7`, `0042`); `nil` if not an integer or out of range.
    @inline(__always)
    static func int64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        var i = 0
        var negative = false
        if n > 0, p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < n else { return nil }
        var v: UInt64 = 0
        if n - i <= 18 {
            // 18 digits cannot overflow, so the common case needs no overflow checks.
            while i < n {
                let d = p[i] &- 48
                guard d < 10 else { return nil }
                v = v &* 10 &+ UInt64(d)
                i += 1
            }
            return negative ? -Int64(bitPattern: v) : Int64(bitPattern: v)
        }
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        if negative {
            guard v <= UInt64(Int64.max) + 1 else { return nil }
            return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
        }
        guard v <= UInt64(Int64.max) else { return nil }
        return Int64(v)
    }

    /// `true`/`false` in any letter case, or `1`/`0`.
    @inline(__always)
    static func bool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 1 {
            if p[0] == UInt8(ascii: "1") { return true }
            if p[0] == UInt8(ascii: "0") { return false }
            return nil
        }
        // OR-ing 0x20 lowers ASCII letters; the comparison rejects anything that is not the word.
        if n == 4, p[0] | 0x20 == UInt8(ascii: "t"), p[1] | 0x20 == UInt8(ascii: "r"),
           p[2] | 0x20 == UInt8(ascii: "u"), p[3] | 0x20 == UInt8(ascii: "e") { return true }
        if n == 5, p[0] | 0x20 == UInt8(ascii: "f"), p[1] | 0x20 == UInt8(ascii: "a"),
           p[2] | 0x20 == UInt8(ascii: "l"), p[3] | 0x20 == UInt8(ascii: "s"),
           p[4] | 0x20 == UInt8(ascii: "e") { return false }
        return nil
    }

    /// Whether the text is `true` or `false` in any letter case (what inference accepts as bool;
    /// `1`/`0` are left to be integers).
    static func isBoolWord(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        (n == 4 || n == 5) && bool(p, n) != nil
    }

    /// A float64 in decimal or scientific notation, or `nan`/`inf`/`infinity` with an optional sign.
    @inline(__always)
    static func float64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard let d = DecimalText(p, n) else { return special(p, n) }
        if let exact = d.exactDouble { return exact }
        return fallback(p, n, single: false)
    }

    /// A float32, correctly rounded from the decimal text (not rounded twice through a double).
    @inline(__always)
    static func float32(_ p: UnsafePointer<UInt8>, _ n: Int) -> Float? {
        guard let d = DecimalText(p, n) else { return special(p, n).map(Float.init) }
        if let exact = d.exactDouble {
            // The double is the correctly rounded value of the text; rounding it again to float is only
            // wrong when it lands exactly on a midpoint between two floats, or outside the normal range.
            let magnitude = abs(exact)
            let midpoint = exact.bitPattern & 0x1FFF_FFFF == 0x1000_0000
            if !midpoint, magnitude == 0 || (magnitude >= Double(Float.leastNormalMagnitude) && magnitude <= Double(Float.greatestFiniteMagnitude)) {
                return Float(exact)
            }
        }
        return fallback(p, n, single: true).map { Float($0) }
    }

    private static func special(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var i = 0
        var negative = false
        if n > 0, p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        var word: UInt64 = 0
        let length = n - i
        guard length == 3 || length == 8 else { return nil }
        for k in i..<n { word = word << 8 | UInt64(p[k] | 0x20) }
        let nan: UInt64 = 0x6E_61_6E, inf: UInt64 = 0x69_6E_66, infinity: UInt64 = 0x69_6E_66_69_6E_69_74_79
        if word == nan { return .nan }
        if word == inf || word == infinity { return negative ? -.infinity : .infinity }
        return nil
    }

    /// Correct rounding for the texts the fast path cannot do exactly (many digits, big exponents).
    private static func fallback(_ p: UnsafePointer<UInt8>, _ n: Int, single: Bool) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer -> Double? in
            for k in 0..<n { buffer[k] = CChar(bitPattern: p[k]) }
            buffer[n] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = single ? Double(strtof(buffer.baseAddress!, &end)) : strtod(buffer.baseAddress!, &end)
            guard let end, end == buffer.baseAddress! + n else { return nil }
            return value
        }
    }
}

/// The parts of a decimal number's text: `[+-] digits [. digits] [(e|E) [+-] digits]`.
struct DecimalText {
    var negative = false
    /// Up to 19 significant digits.
    var mantissa: UInt64 = 0
    var exponent = 0
    /// Significant digits were dropped (more than 19).
    var truncated = false

    /// 10^e for 0 ≤ e ≤ 22, the powers of ten a double holds exactly. A switch compiles to a constant
    /// table; a `static let` array would cost a lazy-initialisation check and a retain per number.
    @inline(__always)
    private static func powerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Scans the whole text; `nil` unless it is exactly one decimal number.
    @inline(__always)
    init?(_ p: UnsafePointer<UInt8>, _ n: Int) {
        var i = 0
        if n > 0, p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        // Fast scan: accumulate every digit. Up to 19 digits (leading zeros included) cannot overflow,
        // and leading zeros add nothing to the value, so the result is exact; longer texts are
        // rescanned digit by digit, keeping 19 significant ones.
        let digitsStart = i
        var value: UInt64 = 0
        var integerDigits = 0
        while i < n, CSVFieldParsing.isDigit(p[i]) {
            value = value &* 10 &+ UInt64(p[i] &- 48)
            integerDigits += 1
            i += 1
        }
        var fractionDigits = 0
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, CSVFieldParsing.isDigit(p[i]) {
                value = value &* 10 &+ UInt64(p[i] &- 48)
                fractionDigits += 1
                i += 1
            }
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        if integerDigits + fractionDigits <= 19 {
            mantissa = value
            exponent = -fractionDigits
        } else {
            rescan(p, from: digitsStart, to: i)
        }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < n, CSVFieldParsing.isDigit(p[i]) else { return nil }
            var e = 0
            while i < n, CSVFieldParsing.isDigit(p[i]) {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 48) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return nil }
    }

    /// The careful scan of `p[start..<end]`, digits with at most one point, for texts of more than 19
    /// digits: skips leading zeros, keeps 19 significant digits and notes dropped non-zero ones.
    private mutating func rescan(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        mantissa = 0
        exponent = 0
        var digits = 0
        var fractional = false
        for i in start..<end {
            if p[i] == UInt8(ascii: ".") {
                fractional = true
            } else {
                take(p[i] &- 48, fractional: fractional, &digits)
            }
        }
    }

    @inline(__always)
    private mutating func take(_ d: UInt8, fractional: Bool, _ digits: inout Int) {
        if mantissa == 0 && d == 0 {
            // Leading zeros are not significant; after the point they still scale the value.
            if fractional { exponent -= 1 }
        } else if digits < 19 {
            mantissa = mantissa &* 10 &+ UInt64(d)
            digits += 1
            if fractional { exponent -= 1 }
        } else {
            if d != 0 { truncated = true }
            if !fractional { exponent += 1 }
        }
    }

    /// The correctly rounded double when one IEEE operation on exact operands gives it (Clinger's fast
    /// path: mantissa ≤ 2^53 and |exponent| ≤ 22), else `nil`.
    @inline(__always)
    var exactDouble: Double? {
        if mantissa == 0 && !truncated { return negative ? -0.0 : 0.0 }
        guard !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        let m = Double(mantissa)
        let v = exponent >= 0 ? m * DecimalText.powerOfTen(exponent) : m / DecimalText.powerOfTen(-exponent)
        return negative ? -v : v
    }
}
