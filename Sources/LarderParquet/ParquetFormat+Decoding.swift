// Thrift decoders for the footer and page headers. Unknown fields are skipped, so files from newer
// writers (size statistics, bloom filters, geospatial types...) still read.

extension ThriftCompactReader {
    /// Fails when a field the spec marks `required` was absent (a sign of corruption).
    func requireFields(_ ids: [Int16], _ seen: Set<Int16>, in structName: String) throws(ParquetError) {
        for id in ids where !seen.contains(id) {
            throw ParquetError(.malformed, "\(structName) lacks required field \(id)")
        }
    }

    mutating func readStruct(_ onField: (inout ThriftCompactReader, Int16, ThriftType) throws(ParquetError) -> Bool) throws(ParquetError) {
        try beginStruct()
        while let (id, type) = try readFieldHeader() {
            if try !onField(&self, id, type) { try skip(type) }
        }
        endStruct()
    }

    mutating func readFileMetaData() throws(ParquetError) -> FileMetaData {
        var seen = Set<Int16>()
        var m = FileMetaData()
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .i32): m.version = try r.readI32()
            case (2, .list): m.schema = try r.readList { r throws(ParquetError) in try r.readSchemaElement() }
            case (3, .i64): m.numRows = try r.readI64()
            case (4, .list): m.rowGroups = try r.readList { r throws(ParquetError) in try r.readRowGroup() }
            case (5, .list): m.keyValueMetadata = try r.readList { r throws(ParquetError) in try r.readKeyValue() }
            case (6, .binary): m.createdBy = try r.readString()
            case (8, .struct): m.encrypted = true; return false
            default: return false
            }
            seen.insert(id)
            return true
        }
        try requireFields([2, 3, 4], seen, in: "FileMetaData")
        return m
    }

    mutating func readSchemaElement() throws(ParquetError) -> SchemaElement {
        var e = SchemaElement()
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .i32): let t = try r.readI32(); e.rawType = t; e.type = PhysicalType(rawValue: t)
            case (2, .i32): e.typeLength = try r.readI32()
            case (3, .i32): e.repetition = Repetition(rawValue: try r.readI32())
            case (4, .binary): e.name = try r.readString()
            case (5, .i32): e.numChildren = try r.readCount()
            case (6, .i32): let t = try r.readI32(); e.rawConvertedType = t; e.convertedType = ConvertedType(rawValue: t)
            case (10, .struct): e.logicalType = try r.readLogicalType()
            default: return false
            }
            return true
        }
        return e
    }

    mutating func readLogicalType() throws(ParquetError) -> LogicalType? {
        var result: LogicalType?
        try readStruct { r, id, type throws(ParquetError) in
            guard type == .struct else { return false }
            switch id {
            case 1: result = .string; try r.skip(.struct)
            case 6: result = .date; try r.skip(.struct)
            case 8: result = try r.readTimestampType()
            case 10: result = try r.readIntType()
            default: result = .other(field: id); try r.skip(.struct)
            }
            return true
        }
        return result
    }

    mutating func readTimestampType() throws(ParquetError) -> LogicalType {
        var utc = false
        var unit = TimeUnit.micros
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .boolTrue), (1, .boolFalse): utc = try r.readBool()
            case (2, .struct):
                try r.readStruct { r, id, type throws(ParquetError) in
                    switch id {
                    case 1: unit = .millis
                    case 2: unit = .micros
                    case 3: unit = .nanos
                    default: break
                    }
                    return false
                }
            default: return false
            }
            return true
        }
        return .timestamp(adjustedToUTC: utc, unit: unit)
    }

    mutating func readIntType() throws(ParquetError) -> LogicalType {
        var width = 0
        var signed = true
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .byte): width = Int(Int8(bitPattern: try r.readByte()))
            case (2, .boolTrue), (2, .boolFalse): signed = try r.readBool()
            default: return false
            }
            return true
        }
        return .integer(bitWidth: width, signed: signed)
    }

    mutating func readRowGroup() throws(ParquetError) -> RowGroupMeta {
        var seen = Set<Int16>()
        var g = RowGroupMeta()
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .list): g.columns = try r.readList { r throws(ParquetError) in try r.readColumnChunk() }
            case (2, .i64): g.totalByteSize = try r.readI64()
            case (3, .i64): g.numRows = try r.readI64()
            default: return false
            }
            seen.insert(id)
            return true
        }
        try requireFields([1, 3], seen, in: "RowGroup")
        return g
    }

    mutating func readColumnChunk() throws(ParquetError) -> ColumnChunkMeta {
        var c = ColumnChunkMeta()
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .binary): c.filePath = try r.readString()
            case (2, .i64): c.fileOffset = try r.readI64()
            case (3, .struct): c.metaData = try r.readColumnMetaData()
            case (8, _), (9, _): c.encrypted = true; return false
            default: return false
            }
            return true
        }
        return c
    }

    mutating func readColumnMetaData() throws(ParquetError) -> ColumnMetaData {
        var seen = Set<Int16>()
        var m = ColumnMetaData()
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .i32): m.type = try r.readI32()
            case (2, .list): m.encodings = try r.readList { r throws(ParquetError) in try r.readI32() }
            case (3, .list): m.pathInSchema = try r.readList { r throws(ParquetError) in try r.readString() }
            case (4, .i32): m.codec = try r.readI32()
            case (5, .i64): m.numValues = try r.readI64()
            case (6, .i64): m.totalUncompressedSize = try r.readI64()
            case (7, .i64): m.totalCompressedSize = try r.readI64()
            case (9, .i64): m.dataPageOffset = try r.readI64()
            case (11, .i64): m.dictionaryPageOffset = try r.readI64()
            case (12, .struct): m.statistics = try r.readStatistics()
            default: return false
            }
            seen.insert(id)
            return true
        }
        try requireFields([1, 4, 5, 7, 9], seen, in: "ColumnMetaData")
        return m
    }

    mutating func readStatistics() throws(ParquetError) -> Statistics {
        var s = Statistics()
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .binary): s.max = try r.readBinary()
            case (2, .binary): s.min = try r.readBinary()
            case (3, .i64): s.nullCount = try r.readI64()
            case (4, .i64): s.distinctCount = try r.readI64()
            case (5, .binary): s.maxValue = try r.readBinary()
            case (6, .binary): s.minValue = try r.readBinary()
            default: return false
            }
            return true
        }
        return s
    }

    mutating func readKeyValue() throws(ParquetError) -> KeyValue {
        var kv = KeyValue(key: "", value: nil)
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .binary): kv.key = try r.readString()
            case (2, .binary): kv.value = try r.readString()
            default: return false
            }
            return true
        }
        return kv
    }

    mutating func readPageHeader() throws(ParquetError) -> PageHeader {
        var h = PageHeader()
        try readStruct { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, .i32): h.type = try r.readI32()
            case (2, .i32): h.uncompressedPageSize = try r.readCount()
            case (3, .i32): h.compressedPageSize = try r.readCount()
            case (5, .struct):
                var d = DataPageHeader()
                try r.readStruct { r, id, type throws(ParquetError) in
                    switch (id, type) {
                    case (1, .i32): d.numValues = try r.readCount()
                    case (2, .i32): d.encoding = try r.readI32()
                    case (3, .i32): d.definitionLevelEncoding = try r.readI32()
                    case (4, .i32): d.repetitionLevelEncoding = try r.readI32()
                    default: return false
                    }
                    return true
                }
                h.dataPage = d
            case (7, .struct):
                var d = DictionaryPageHeader()
                try r.readStruct { r, id, type throws(ParquetError) in
                    switch (id, type) {
                    case (1, .i32): d.numValues = try r.readCount()
                    case (2, .i32): d.encoding = try r.readI32()
                    default: return false
                    }
                    return true
                }
                h.dictionaryPage = d
            case (8, .struct):
                var d = DataPageHeaderV2()
                try r.readStruct { r, id, type throws(ParquetError) in
                    switch (id, type) {
                    case (1, .i32): d.numValues = try r.readCount()
                    case (2, .i32): d.numNulls = try r.readCount()
                    case (3, .i32): d.numRows = try r.readCount()
                    case (4, .i32): d.encoding = try r.readI32()
                    case (5, .i32): d.definitionLevelsByteLength = try r.readCount()
                    case (6, .i32): d.repetitionLevelsByteLength = try r.readCount()
                    case (7, .boolTrue), (7, .boolFalse): d.isCompressed = try r.readBool()
                    default: return false
                    }
                    return true
                }
                h.dataPageV2 = d
            default: return false
            }
            return true
        }
        return h
    }
}
