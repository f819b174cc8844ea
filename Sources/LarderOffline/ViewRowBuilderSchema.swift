import Larder
import LarderColumnar
import LarderSources

/// The stored schema of a view, as an empty batch for views with nothing materialized yet.
enum ViewRowBuilderSchema {
    static func stored(_ view: FeatureView) -> ColumnBatch {
        ColumnBatch.empty(schema: ViewRowBuilder.storedSchema(of: view))
    }
}
