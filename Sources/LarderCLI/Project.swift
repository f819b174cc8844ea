import Definitions
import Foundation
import Larder
import LarderRegistry

/// The compiled definitions and the state directory a command works on.
struct Project {
    let options: GlobalOptions
    let repository: FeatureRepository

    init(_ options: GlobalOptions, repository: FeatureRepository = Definitions.repository) {
        self.options = options
        self.repository = repository
    }

    func openRegistry() throws -> Registry { try Registry(home: options.homeDirectory) }

    /// The registry when one exists; `nil` before the first apply, so read-only commands create nothing.
    func existingRegistry() throws -> Registry? {
        FileManager.default.fileExists(atPath: Registry.path(home: options.homeDirectory)) ? try openRegistry() : nil
    }

    /// The latest registered version, or an error telling the user to apply first.
    func registered() throws -> RegisteredVersion {
        guard let version = try existingRegistry()?.latest() else {
            throw CLIError("nothing is registered in \(options.homeDirectory) yet: run `larder apply` first")
        }
        return version
    }

    /// Validates the compiled definitions against the sources' actual columns.
    func validatedSpec() throws -> RepositorySpec {
        let reader = SourceColumnReader(dataDirectory: options.dataDirectory)
        let issues = DefinitionValidator(sourceColumns: { try reader.columns(of: $0) }).validate(repository)
        if !issues.isEmpty { throw DefinitionValidationError(issues: issues) }
        return RepositorySpec(repository)
    }
}
