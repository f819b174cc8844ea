// The writing half of the Thrift compact protocol, used for the footer and page headers we emit.

struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldIDs: [Int16] = [0]

    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func appendByte(_ b: UInt8) { bytes.append(b) }

    mutating func writeZigZag(_ v: Int64) { writeVarint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
        let last = lastFieldIDs[lastFieldIDs.count - 1]
        let delta = id - last
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeZigZag(Int64(id))
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
    }

    mutating func field(_ id: Int16, i32 v: Int32) { fieldHeader(id, .i32); writeZigZag(Int64(v)) }
    mutating func field(_ id: Int16, i64 v: Int64) { fieldHeader(id, .i64); writeZigZag(v) }
    mutating func field(_ id: Int16, bool v: Bool) { fieldHeader(id, v ? .boolTrue : .boolFalse) }
    mutating func field(_ id: Int16, binary v: [UInt8]) {
        fieldHeader(id, .binary)
        writeVarint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }
    mutating func field(_ id: Int16, string v: String) { field(id, binary: Array(v.utf8)) }

    /// A struct-valued field; `body` writes its fields.
    mutating func field(_ id: Int16, struct body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .struct)
        writeStruct(body)
    }

    /// A struct value (list element or top level): fields then stop.
    mutating func writeStruct(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIDs.append(0)
        body(&self)
        bytes.append(ThriftType.stop.rawValue)
        lastFieldIDs.removeLast()
    }

    mutating func listHeader(_ type: ThriftType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            writeVarint(UInt64(count))
        }
    }

    mutating func field<T>(_ id: Int16, structList items: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
        fieldHeader(id, .list)
        listHeader(.struct, count: items.count)
        for item in items { writeStruct { body(&$0, item) } }
    }

    mutating func field(_ id: Int16, i32List items: [Int32]) {
        fieldHeader(id, .list)
        listHeader(.i32, count: items.count)
        for v in items { writeZigZag(Int64(v)) }
    }

    mutating func field(_ id: Int16, stringList items: [String]) {
        fieldHeader(id, .list)
        listHeader(.binary, count: items.count)
        for s in items {
            let b = Array(s.utf8)
            writeVarint(UInt64(b.count))
            bytes.append(contentsOf: b)
        }
    }
}
