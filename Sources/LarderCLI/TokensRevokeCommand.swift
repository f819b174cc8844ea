import ArgumentParser
import LarderRegistry

/// `larder tokens revoke NAME`: a running server refuses the token from its next reload on.
struct TokensRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token: a running `larder serve` answers it 401 within 2 s.",
        discussion: """
            The token's row stays (with its revocation time) for `larder tokens list`; its name can be used
            again. Tokens are enforced while an unrevoked one exists: revoking the last one opens a server on a
            loopback host again (one on another host keeps refusing requests without a token).

            Examples:
              larder tokens revoke feast-client
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The name of the token to revoke.")
    var name: String

    func run() throws {
        let registry = try Project(options).openRegistry()
        let store = AccessTokenStore(database: registry.database)
        let record = try store.revoke(name: name)
        print("revoked token \(record.name) (scope \(record.scope)); a running server refuses it within 2 s")
        if try store.active().isEmpty {
            print("""
                no unrevoked token is left: a server on a loopback host answers every route without a token again, \
                one on another host refuses every route but /health and /ready until `larder tokens create` makes one
                """)
        }
    }
}
