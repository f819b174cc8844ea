extension RegistrySchema {
    /// Migration 6: the registered spec gains `aggregationViews` (``AggregationViewSpec``). No table changes: the
    /// version only makes an older larder refuse a registry whose spec it would decode without them.
    static func addAggregationViews(_ db: SQLiteConnection) throws {}
}
