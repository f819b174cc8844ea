extension CSVOutput {
    /// Writes a float the way pyarrow's CSV writer (and so gen_data.py) does: the shortest round-trip
    /// digits, plain decimal for 1e-6 ≤ |x| < 1e10 (`0`, `100`, `0.00001`, `123456790`), exponent form
    /// otherwise (`1.5e-7`, `1e+10`, `1.2345678901e+10`).
    ///
    /// The digits come from the standard library's shortest round-trip `description` (e.g. `1e-05`,
    /// `1.2345679e+08`, `100.0`); only the layout changes, so the text reads back to the same value.
    func float(_ description: String) {
        var text = description
        text.withUTF8 { b in
            guard let p = b.baseAddress, b.count > 0 else { return }
            let first = p[0] == UInt8(ascii: "-") ? 1 : 0
            // nan, inf, -inf: no digits to lay out.
            guard first < b.count, CSVFieldParsing.isDigit(p[first]) else {
                bytes(p, b.count)
                return
            }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: b.count) { digits in
                var count = 0
                var integerDigits = -1
                var exponent = 0
                var i = first
                while i < b.count {
                    let c = p[i]
                    if CSVFieldParsing.isDigit(c) {
                        digits[count] = c
                        count += 1
                    } else if c == UInt8(ascii: ".") {
                        integerDigits = count
                    } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                        exponent = parseExponent(p + i + 1, b.count - i - 1)
                        break
                    }
                    i += 1
                }
                if integerDigits < 0 { integerDigits = count }
                // Value = 0.d1d2…dk × 10^point once leading zeros are dropped.
                var start = 0
                while start < count && digits[start] == UInt8(ascii: "0") {
                    start += 1
                    integerDigits -= 1
                }
                while count > start && digits[count - 1] == UInt8(ascii: "0") { count -= 1 }
                if first == 1 { byte(UInt8(ascii: "-")) }
                guard count > start else {
                    byte(UInt8(ascii: "0"))
                    return
                }
                layOut(digits.baseAddress! + start, count - start, point: integerDigits + exponent)
            }
        }
    }

    private func parseExponent(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var i = 0
        var negative = false
        if i < n, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        var e = 0
        while i < n, CSVFieldParsing.isDigit(p[i]) {
            e = e * 10 + Int(p[i] &- 48)
            i += 1
        }
        return negative ? -e : e
    }

    /// pyarrow's layout of the significant digits `d[0..<k]` with the decimal point after `point` digits:
    /// plain decimal when the decimal exponent (`point - 1`) is in -6..<10, exponent form otherwise.
    private func layOut(_ d: UnsafePointer<UInt8>, _ k: Int, point n: Int) {
        let zero = UInt8(ascii: "0")
        if n - 1 >= -6 && n - 1 < 10 && k <= n {
            bytes(d, k)
            for _ in 0..<(n - k) { byte(zero) }
        } else if n - 1 >= -6 && n - 1 < 10 && n > 0 {
            bytes(d, n)
            byte(UInt8(ascii: "."))
            bytes(d + n, k - n)
        } else if n - 1 >= -6 && n - 1 < 10 {
            byte(zero)
            byte(UInt8(ascii: "."))
            for _ in 0..<(-n) { byte(zero) }
            bytes(d, k)
        } else {
            byte(d[0])
            if k > 1 {
                byte(UInt8(ascii: "."))
                bytes(d + 1, k - 1)
            }
            byte(UInt8(ascii: "e"))
            byte(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            int(Int64(abs(n - 1)))
        }
    }
}
