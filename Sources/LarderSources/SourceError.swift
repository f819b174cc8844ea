/// A source could not be read, or one of its rows does not fit the view: says which file, which row
/// (and line, for CSV), which column or feature, and what to do.
public struct SourceError: Error, Sendable, CustomStringConvertible {
    /// The file or table (`app.db table trips`).
    public var location: String
    /// The view being materialized, when known.
    public var view: String?
    /// 1-based row in the source, when the problem is a row.
    public var row: Int?
    /// 1-based line in a CSV file, when known.
    public var line: Int?
    /// The column or feature.
    public var column: String?
    public var message: String
    public var fix: String?

    public init(location: String, view: String? = nil, row: Int? = nil, line: Int? = nil, column: String? = nil,
                message: String, fix: String? = nil) {
        self.location = location
        self.view = view
        self.row = row
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var place = location
        if let line { place += ":\(line)" } else if let row { place += " row \(row)" }
        var text = place + ": "
        if let view { text += "view \(view): " }
        if let column { text += "\(column): " }
        text += message
        if let fix { text += " — \(fix)" }
        return text
    }
}
