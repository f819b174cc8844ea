package import Larder

/// The API tokens of `larder serve`, in `registry.db`'s `access_tokens` table: a name, a scope, a
/// random salt and the salted hash of the secret (``AccessToken``), when it was created and revoked.
/// Names are unique among tokens not revoked; a revoked token's row stays, for `larder tokens list`.
///
/// ```swift
/// let tokens = AccessTokenStore(database: registry.database)
/// let (record, token) = try tokens.create(name: "ci", scope: .write)
/// print(token.text)            // shown once: only its salted hash is stored
/// try tokens.revoke(name: "ci")
/// ```
package struct AccessTokenStore: Sendable {
    package let database: SQLiteDatabase

    /// A token as `larder tokens list` shows it: never the secret, nor its hash.
    package struct Record: Sendable, Equatable {
        package var id: String
        package var name: String
        package var scope: AccessTokenScope
        package var createdAt: Timestamp
        package var revokedAt: Timestamp?
    }

    /// An unrevoked token as a server checks requests against it.
    package struct Verifier: Sendable, Equatable {
        package var id: String
        package var name: String
        package var scope: AccessTokenScope
        package var salt: [UInt8]
        package var hash: [UInt8]
    }

    package init(database: SQLiteDatabase) { self.database = database }

    /// Stores a new token and returns it: the only time its secret exists outside the client.
    package func create(name: String, scope: AccessTokenScope, now: Timestamp = .now()) throws -> (Record, AccessToken) {
        try Self.validate(name: name)
        var generator = SystemRandomNumberGenerator()
        let token = AccessToken.generate(using: &generator)
        let salt = AccessToken.randomBytes(16, using: &generator)
        let hash = AccessToken.hash(secret: token.secret, salt: salt)
        try database.withConnection { db in
            try db.transaction { db in
                if try db.queryFirst("SELECT 1 FROM access_tokens WHERE name = ? AND revoked_at IS NULL", [.text(name)]) != nil {
                    throw AccessTokenError.nameTaken(name)
                }
                try db.execute("INSERT INTO access_tokens(id, name, scope, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                               [.text(token.id), .text(name), .text(scope.rawValue), .blob(salt), .blob(hash),
                                .integer(now.microsecondsSinceEpoch)])
            }
        }
        return (Record(id: token.id, name: name, scope: scope, createdAt: now, revokedAt: nil), token)
    }

    /// Every token, revoked ones too, oldest first.
    package func list() throws -> [Record] {
        try database.withConnection { db in
            try db.query("SELECT id, name, scope, created_at, revoked_at FROM access_tokens ORDER BY created_at, id").map { row in
                Record(id: row[0].string ?? "", name: row[1].string ?? "", scope: AccessTokenScope(rawValue: row[2].string ?? "") ?? .read,
                       createdAt: Timestamp(microsecondsSinceEpoch: row[3].int64 ?? 0),
                       revokedAt: row[4].int64.map(Timestamp.init(microsecondsSinceEpoch:)))
            }
        }
    }

    /// Revokes the unrevoked token named `name`; a server refuses it from its next token reload on.
    @discardableResult
    package func revoke(name: String, now: Timestamp = .now()) throws -> Record {
        try database.withConnection { db in
            try db.transaction { db in
                guard let row = try db.queryFirst("SELECT id, scope, created_at FROM access_tokens WHERE name = ? AND revoked_at IS NULL",
                                                  [.text(name)]) else {
                    throw AccessTokenError.unknownName(name)
                }
                let id = row[0].string ?? ""
                try db.execute("UPDATE access_tokens SET revoked_at = ? WHERE id = ?", [.integer(now.microsecondsSinceEpoch), .text(id)])
                return Record(id: id, name: name, scope: AccessTokenScope(rawValue: row[1].string ?? "") ?? .read,
                              createdAt: Timestamp(microsecondsSinceEpoch: row[2].int64 ?? 0), revokedAt: now)
            }
        }
    }

    /// The unrevoked tokens, read on the database's queue (for the server's periodic reload).
    package func loadActive() async throws -> [Verifier] {
        try await database.read { db in try Self.active(in: db) }
    }

    /// The unrevoked tokens, read synchronously (for command-line checks).
    package func active() throws -> [Verifier] {
        try database.withConnection { db in try Self.active(in: db) }
    }

    private static func active(in db: SQLiteConnection) throws -> [Verifier] {
        try db.query("SELECT id, name, scope, salt, hash FROM access_tokens WHERE revoked_at IS NULL ORDER BY id").compactMap { row in
            guard case .blob(let salt) = row[3], case .blob(let hash) = row[4],
                  let scope = AccessTokenScope(rawValue: row[2].string ?? "") else { return nil }
            return Verifier(id: row[0].string ?? "", name: row[1].string ?? "", scope: scope, salt: salt, hash: hash)
        }
    }

    /// 1–64 letters, digits, `.`, `_` or `-`: names appear in error messages and metrics unquoted.
    static func validate(name: String) throws(AccessTokenError) {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 45
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else { throw .invalidName(name) }
    }
}

/// A token command that cannot be carried out, with what to do instead.
package enum AccessTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case nameTaken(String)
    case unknownName(String)

    package var description: String {
        switch self {
        case .invalidName(let name):
            "token name \"\(name)\" is not valid: use 1 to 64 letters, digits, '.', '_' or '-'"
        case .nameTaken(let name):
            "a token named \(name) already exists: revoke it first (`larder tokens revoke \(name)`) or choose another name"
        case .unknownName(let name):
            "no unrevoked token named \(name): `larder tokens list` shows the tokens"
        }
    }
}
