import ArgumentParser
import Larder
import LarderRegistry

/// `larder apply`: validate and register the definitions as a new version.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Validate the definitions and register them as a new registry version.",
        discussion: """
            Prints the same diff as `larder plan`, then stores a new version (number, content hash, time).
            Identical definitions print "no changes" and store nothing. Breaking changes are refused unless
            --allow-breaking is given.

            Examples:
              larder apply
              larder apply --allow-breaking     # after a field type change you have planned for
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Apply even when a change breaks existing consumers.")
    var allowBreaking = false

    func run() throws {
        let project = Project(options)
        let spec = try project.validatedSpec()
        project.printLateDataWarnings()
        switch try project.openRegistry().apply(spec, allowBreaking: allowBreaking) {
        case .unchanged(let version):
            print("no changes (registry version \(version.number), \(version.contentHash.prefix(12)))")
        case .applied(let version, let diff):
            print(diff.rendered())
            print("applied registry version \(version.number) (\(version.contentHash.prefix(12))) at \(version.appliedAt.iso8601(fractionalDigits: 0))")
        }
    }
}
