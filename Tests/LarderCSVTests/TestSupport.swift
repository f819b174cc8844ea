import Larder
import LarderColumnar
import LarderCSV

/// Reads CSV text held in a string.
func readCSV(_ text: String, schema: Schema? = nil, options: CSVReadOptions = CSVReadOptions(threads: 1)) throws(CSVError) -> ColumnBatch {
    try CSVReader(schema: schema, options: options).read(bytes: Array(text.utf8), name: "test.csv")
}

/// The CSVError thrown by reading `text`, or nil if it reads.
func csvError(_ text: String, schema: Schema? = nil, options: CSVReadOptions = CSVReadOptions(threads: 1)) -> CSVError? {
    do {
        _ = try readCSV(text, schema: schema, options: options)
        return nil
    } catch {
        return error
    }
}

func field(_ name: String, _ type: ValueType, nullable: Bool = true) -> SchemaField {
    SchemaField(name: name, type: type, nullable: nullable)
}

/// A column of `type` from boxed values (nil = null).
func column(_ type: ValueType, _ values: [Value]) throws -> Column {
    try Column(type: type, values: values)
}

/// A fresh directory under /tmp for one test.
func temporaryDirectory() -> String {
    let path = "/tmp/larder-csv-tests-\(UInt64.random(in: 0...UInt64.max))"
    _ = path.withCString { mkdir($0, 0o755) }
    return path
}

func readFile(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "rb") else { return [] }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        out.append(contentsOf: buffer[0..<n])
    }
    return out
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    guard let f = fopen(path, "wb") else { return }
    _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}

func listDirectory(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deletes a test directory and everything in it.
func removeDirectory(_ path: String) {
    for name in listDirectory(path) {
        let child = path + "/" + name
        if unlink(child) != 0 { removeDirectory(child) }
    }
    rmdir(path)
}
