import ArgumentParser
import Larder
import LarderRegistry

/// `larder tokens list`: every token's name, scope, creation and revocation, never the token itself.
struct TokensListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the tokens: name, scope, the id they start with, created, revoked (never the secret).",
        discussion: """
            Examples:
              larder tokens list
            """)

    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard let registry = try Project(options).existingRegistry() else {
            print("no tokens: `larder tokens create NAME --scope read|write|admin` creates one")
            return
        }
        let records = try AccessTokenStore(database: registry.database).list()
        guard !records.isEmpty else {
            print("no tokens: `larder tokens create NAME --scope read|write|admin` creates one")
            return
        }
        var table = TextTable("NAME", "SCOPE", "TOKEN", "CREATED", "REVOKED")
        for record in records {
            table.add(record.name, record.scope.rawValue, "\(AccessToken.prefix)\(record.id)_…", record.createdAt.iso8601(fractionalDigits: 0),
                      record.revokedAt?.iso8601(fractionalDigits: 0) ?? "-")
        }
        print(table.rendered())
    }
}
