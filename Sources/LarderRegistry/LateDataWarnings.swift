public import Larder

extension DefinitionValidator {
    /// Scheduled views whose late rows no run would pick up — their source has no created column and they
    /// declare no allowedLateness — as warnings `plan` and `apply` print (the definitions stay valid: a source
    /// that never receives late rows needs neither).
    ///
    /// ```swift
    /// for warning in DefinitionValidator.lateDataWarnings(repository) { print("warning: \(warning)") }
    /// ```
    public static func lateDataWarnings(_ repository: FeatureRepository) -> [DefinitionIssue] {
        repository.views.compactMap { view in
            guard view.schedule != nil, view.source.createdTimestampColumn == nil, view.allowedLateness == nil else { return nil }
            return DefinitionIssue(
                kind: "view", name: view.name,
                problem: "is scheduled, but its source \(view.source.name) has no created column and the view declares no allowedLateness: "
                    + "rows that land with an event time behind the view's watermark are never materialized",
                fix: "declare created: on the source (rows created since the last run are taken whatever their event time) "
                    + "or allowedLateness: on the view (each run re-reads that much behind its watermark)")
        }
    }
}
