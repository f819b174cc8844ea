extension RegistrySchema {
    /// Migration 2: `access_tokens`, the API tokens of `larder serve` (``AccessTokenStore``). Only a salt and
    /// the salted hash of each secret are stored; a name is unique among the tokens not revoked.
    static func createAccessTokens(_ db: SQLiteConnection) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS access_tokens (
                id         TEXT PRIMARY KEY,
                name       TEXT NOT NULL,
                scope      TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
                salt       BLOB NOT NULL,
                hash       BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            CREATE UNIQUE INDEX IF NOT EXISTS access_tokens_one_active_name ON access_tokens(name) WHERE revoked_at IS NULL;
            """)
    }
}
