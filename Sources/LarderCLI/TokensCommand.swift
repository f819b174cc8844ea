import ArgumentParser

/// `larder tokens create|list|revoke`: the bearer tokens of `larder serve`'s API.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke the bearer tokens of `larder serve`'s API.",
        discussion: """
            Once an unrevoked token exists, every route of `larder serve` but /health and /ready needs
            `Authorization: Bearer TOKEN`. Scopes: read (lookups, predict, metrics, GET /jobs/{id}), write (push),
            admin (materialize, reload); admin includes write and write includes read. Tokens are stored in
            registry.db as salted hashes only; a running server sees new and revoked tokens within 2 s.

            Examples:
              larder tokens create feast-client --scope read
              larder tokens list
              larder tokens revoke feast-client
            """,
        subcommands: [TokensCreateCommand.self, TokensListCommand.self, TokensRevokeCommand.self])
}
