import ArgumentParser

/// `larder`: the feature store's command line.
struct LarderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "larder",
        abstract: "Larder — a feature store: Swift definitions, point-in-time training sets, Redis serving.",
        discussion: """
            Typical flow:
              larder demo-data data              # write the rides example data
              larder plan                        # what would change in the registry
              larder apply                       # register the definitions in definitions/
              larder list views                  # what is registered
              larder describe driver_stats       # one object in detail
              larder history                     # every registered version

            State (registry, offline store) lives in --home (LARDER_HOME, default .larder); relative source
            paths resolve under --data (LARDER_DATA, default data); Redis is --redis (LARDER_REDIS_URL).
            """,
        subcommands: [
            PlanCommand.self, ApplyCommand.self, ListCommand.self, DescribeCommand.self, HistoryCommand.self,
            DemoDataCommand.self, InspectCommand.self, MaterializeCommand.self, TrainingSetCommand.self, SnapshotsCommand.self, ServeCommand.self, LookupCommand.self, MaterializeIncrementalCommand.self, JobsCommand.self, ScheduleCommand.self, PushCommand.self,
            CompactCommand.self, QualityCommand.self,
            TrainCommand.self, ModelsCommand.self, PredictCommand.self, TokensCommand.self, DriftCommand.self, AlertsCommand.self,
        ])
}
