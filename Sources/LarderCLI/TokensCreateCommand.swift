import ArgumentParser
import LarderRegistry

/// `larder tokens create NAME --scope read|write|admin`: prints the new token once, alone on the last line.
struct TokensCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a bearer token; it is printed once, alone on the last line of the output.",
        discussion: """
            Only a salted hash of the token is stored: copy it now, it cannot be shown again (revoke it and
            create another if it is lost). A running `larder serve` accepts it within 2 s.

            Examples:
              larder tokens create feast-client --scope read
              TOKEN=$(larder tokens create ci --scope write | tail -n 1)
              curl -s localhost:6566/push -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @rows.json
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "A name for the token (1 to 64 letters, digits, '.', '_' or '-'), unique among unrevoked tokens.")
    var name: String

    @Option(help: ArgumentHelp("read, write or admin (each includes the ones before it).", valueName: "scope"))
    var scope: String

    func validate() throws {
        guard AccessTokenScope(rawValue: scope) != nil else { throw ValidationError("--scope \(scope) is not a scope: use read, write or admin") }
    }

    func run() throws {
        let registry = try Project(options).openRegistry()
        let (record, token) = try AccessTokenStore(database: registry.database).create(name: name, scope: AccessTokenScope(rawValue: scope)!)
        print("created token \(record.name) (scope \(record.scope)); clients send it as `Authorization: Bearer TOKEN`. It is shown once, here:")
        print(token.text)
    }
}
