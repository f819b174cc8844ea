import Foundation
import Larder
import LarderRegistry
import Testing

@Suite("API tokens in registry.db")
struct AccessTokenStoreTests {
    @Test("a created token verifies against its stored salted hash; the secret itself is nowhere in registry.db")
    func createdTokenIsStoredHashed() throws {
        try withTemporaryDirectory { home in
            let registry = try Registry(home: home)
            let store = AccessTokenStore(database: registry.database)
            let (record, token) = try store.create(name: "ci", scope: .write)
            #expect(record.name == "ci" && record.scope == .write && record.revokedAt == nil)
            #expect(token.text.hasPrefix("larder_\(record.id)_"))
            #expect(token.text.utf8.count == 7 + 12 + 1 + 64)
            #expect(AccessToken(parsing: token.text) == token)

            let active = try store.active()
            #expect(active.map(\.name) == ["ci"])
            let verifier = try #require(active.first)
            #expect(verifier.salt.count == 16)
            #expect(verifier.hash == AccessToken.hash(secret: token.secret, salt: verifier.salt))
            #expect(token.matches(hash: verifier.hash, salt: verifier.salt))
            #expect(!AccessToken(id: token.id, secret: String(token.secret.reversed())).matches(hash: verifier.hash, salt: verifier.salt))

            // Neither the secret's text nor its bytes are in the file or its WAL.
            try registry.database.withConnection { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
            for file in ["registry.db", "registry.db-wal"] {
                guard let bytes = FileManager.default.contents(atPath: home + "/" + file) else { continue }
                #expect(bytes.range(of: Data(token.secret.utf8)) == nil, "\(file) holds the secret")
            }
        }
    }

    @Test("two tokens never share an id or a secret, and their salts differ")
    func tokensAreRandom() throws {
        try withTemporaryDirectory { home in
            let store = AccessTokenStore(database: try Registry(home: home).database)
            let tokens = try (0..<20).map { try store.create(name: "t\($0)", scope: .read).1 }
            #expect(Set(tokens.map(\.id)).count == 20)
            #expect(Set(tokens.map(\.secret)).count == 20)
            #expect(Set(try store.active().map(\.salt)).count == 20)
        }
    }

    @Test("revoke keeps the row with its time; the name can be used again; unknown and taken names are refused")
    func revokeAndNames() throws {
        try withTemporaryDirectory { home in
            let store = AccessTokenStore(database: try Registry(home: home).database)
            let created = Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000)
            _ = try store.create(name: "feast", scope: .read, now: created)
            #expect(throws: AccessTokenError.nameTaken("feast")) { try store.create(name: "feast", scope: .admin) }
            let revokedAt = created.adding(.hours(1))
            let revoked = try store.revoke(name: "feast", now: revokedAt)
            #expect(revoked.revokedAt == revokedAt)
            #expect(try store.active().isEmpty)
            #expect(throws: AccessTokenError.unknownName("feast")) { try store.revoke(name: "feast") }
            _ = try store.create(name: "feast", scope: .admin)
            let listed = try store.list()
            #expect(listed.map(\.name) == ["feast", "feast"])
            #expect(listed.map(\.scope) == [.read, .admin])
            #expect(listed.map { $0.revokedAt != nil } == [true, false])
            for bad in ["", "has space", "quote\"", String(repeating: "x", count: 65), "naïve"] {
                #expect(throws: AccessTokenError.invalidName(bad)) { try store.create(name: bad, scope: .read) }
            }
        }
    }

    @Test("only text of a token's exact shape parses")
    func parsing() {
        let id = "0123456789ab", secret = String(repeating: "cd", count: 32)
        #expect(AccessToken(parsing: "larder_\(id)_\(secret)") == AccessToken(id: id, secret: secret))
        for bad in ["", "larder_", "larder_\(id)_\(secret)0", "larder_\(id)-\(secret)", "Larder_\(id)_\(secret)",
                    "larder_\(id.uppercased())_\(secret)", "larder_\(id)_\(secret.dropLast())g", "xlarder_\(id)_\(secret.dropLast())"] {
            #expect(AccessToken(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("scopes include the smaller ones: admin ⊇ write ⊇ read")
    func scopes() {
        #expect(AccessTokenScope.allCases.map { s in AccessTokenScope.allCases.filter { s.includes($0) } }
                == [[.read], [.read, .write], [.read, .write, .admin]])
    }

    @Test("constant-time comparison: equal only for equal bytes of equal length")
    func constantTimeEquals() {
        #expect(AccessToken.constantTimeEquals("abc", "abc"))
        #expect(!AccessToken.constantTimeEquals("abc", "abd"))
        #expect(!AccessToken.constantTimeEquals("abc", "ab"))
        #expect(AccessToken.constantTimeEquals("", ""))
    }
}
