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
    package init?(parsing text: some StringProtocol) {
        let utf8 = text.utf8
        guard utf8.count == Self.prefix.utf8.count + Self.idLength + 1 + Self.secretLength, text.hasPrefix(Self.prefix) else { return nil }
        let idStart = utf8.index(utf8.startIndex, offsetBy: Self.prefix.utf8.count)
        let idEnd = utf8.index(idStart, offsetBy: Self.idLength)
        guard utf8[idEnd] == UInt8(ascii: "_") else { return nil }
        let id = utf8[idStart..<idEnd], secret = utf8[utf8.index(after: idEnd)...]
        guard id.allSatisfy(Self.isHexDigit), secret.allSatisfy(Self.isHexDigit) else { return nil }
        self.init(id: String(decoding: id, as: UTF8.self), secret: String(decoding: secret, as: UTF8.self))
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

    /// Compares two byte strings in time that depends on their lengths only, not on where they differ.
    package static func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
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
