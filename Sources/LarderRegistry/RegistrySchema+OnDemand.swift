extension RegistrySchema {
    /// Migration 5: the registered spec gains `onDemandViews` (``OnDemandViewSpec``). No table changes: the
    /// version only makes an older larder refuse a registry whose spec it would decode without them.
    static func addOnDemandViews(_ db: SQLiteConnection) throws {}
}
