import Larder
import LarderColumnar
import Testing

@Suite struct ColumnarErrorTests {
    @Test func messagesSayWhatWhereAndHowToFix() {
        let cases: [(ColumnarError, [String])] = [
            (.columnCountMismatch(schemaFields: 3, columns: 2), ["3 fields", "2 columns", "one column per field"]),
            (.typeMismatch(column: "rate", expected: .float32, actual: .string), ["'rate'", "string", "float32", "convert"]),
            (.rowCountMismatch(column: "id", expected: 5, actual: 4), ["'id'", "4 rows", "5", "same length"]),
            (.unexpectedNulls(column: "id", nullCount: 2), ["'id'", "2 nulls", "nullable"]),
            (.unknownColumn("x", available: ["a", "b"]), ["'x'", "a, b"]),
            (.nothingToConcatenate, ["no batches", "empty(schema:)"]),
        ]
        for (error, fragments) in cases {
            for fragment in fragments {
                #expect(error.description.contains(fragment), "\(error.description) lacks '\(fragment)'")
            }
        }
    }
}
