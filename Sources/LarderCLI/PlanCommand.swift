import ArgumentParser
import Larder
import LarderRegistry

/// `larder plan`: what `apply` would change, without writing anything.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what applying the definitions would change. Writes nothing.",
        discussion: """
            Compares the definitions compiled into this larder (the definitions/ folder) with the latest
            registered version. Each change is marked compatible (new view, new field, new aggregation, tags,
            description) or breaking (field type changed or removed, join key changed, ttl shortened, transform
            changed, an aggregation's window, hop, operation or column changed).

            Example: edit definitions/Views.swift, rebuild, then
              larder plan
              ~ view driver_stats: ttl shortened from 1d to 12h: ... [breaking]
            """)

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let project = Project(options)
        let spec = try project.validatedSpec()
        let diff = try project.existingRegistry()?.plan(spec) ?? RegistryDiff(from: nil, to: spec)
        print(diff.rendered())
        project.printLateDataWarnings()
        if !diff.breaking.isEmpty {
            print("apply needs --allow-breaking for the breaking changes")
        }
    }
}
