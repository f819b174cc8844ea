import Crypto

/// A bearer token of `larder serve`'s API: `larder_<id>_<secret>`.
///
/// The id (12 hex digits) is not secret: it finds the token's row in `registry.db`. The secret (64 hex
/// digits, 256 bits from `SystemRandomNumberGenerator`) is never stored: the row keeps a random salt and
/// HMAC-SHA256(key: salt, secret), and a presented secret is checked against it in constant time. A
/// plain salted hash suffices (no bcrypt): the secret is random, not a password to guess.
///
/// ```swift
/// var generator = SystemRandomNumberGenerator()
/// let token = AccessToken.generate(using: &generator)
/// let salt = AccessToken.randomBytes(16, using: &generator)
/// let hash = AccessToken.hash(secret: token.secret, salt: salt)    // what the row stores
/// AccessToken(parsing: token.text)?.matches(hash: hash, salt: salt) // true
/// ```
package struct AccessToken: Sendable, Equatable {
    /// Finds the token's row.
    package var id: String
    /// Checked against the row's salted hash.
    package var secret: String

    package static let prefix = "larder_"
    static let idLength = 12
    static let secretLength = 64

    /// What a client sends: `Authorization: Bearer <text>`.
    package var text: String { Self.prefix + id + "_" + secret }

    package init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// The token in `text`, or `nil` when it does not have the shape of one (it is then unknown).
    /// A `String`, not `some StringProtocol`: it runs on every authenticated request from another module,
    /// where the unspecialized generic cost 6 % of the server's CPU.
    package init?(parsing text: String) {
        var text = text
        let parts: (id: String, secret: String)? = text.withUTF8 { bytes in
            let start = Self.prefix.utf8.count, separator = start + Self.idLength
            guard bytes.count == separator + 1 + Self.secretLength, bytes.starts(with: Self.prefix.utf8),
                  bytes[separator] == UInt8(ascii: "_") else { return nil }
            let id = UnsafeBufferPointer(rebasing: bytes[start..<separator])
            let secret = UnsafeBufferPointer(rebasing: bytes[(separator + 1)...])
            guard id.allSatisfy(Self.isHexDigit), secret.allSatisfy(Self.isHexDigit) else { return nil }
            return (String(decoding: id, as: UTF8.self), String(decoding: secret, as: UTF8.self))
        }
        guard let parts else { return nil }
        self.init(id: parts.id, secret: parts.secret)
    }

    /// A new token with a random id and secret.
    package static func generate(using generator: inout some RandomNumberGenerator) -> AccessToken {
        AccessToken(id: hex(randomBytes(idLength / 2, using: &generator)), secret: hex(randomBytes(secretLength / 2, using: &generator)))
    }

    /// The salted hash a row stores for `secret`.
    package static func hash(secret: String, salt: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: SymmetricKey(data: salt)))
    }

    /// Whether this token's secret is the one hashed into `hash` with `salt`; constant time in the secret.
    package func matches(hash: [UInt8], salt: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(hash, authenticating: Array(secret.utf8), using: SymmetricKey(data: salt))
    }

    /// Compares two strings' UTF-8 bytes in time that depends on their lengths only, not on where they differ.
    /// Concrete `String`s read in place, not generic collections: it runs on every authenticated request from
    /// another module, where an unspecialized generic cost the lookup 60 % more server CPU (BENCHMARKS.md, issue 13).
    package static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                var difference: UInt8 = 0
                for i in 0..<x.count { difference |= x[i] ^ y[i] }
                return difference == 0
            }
        }
    }

    package static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 97 && c <= 102) }
}
