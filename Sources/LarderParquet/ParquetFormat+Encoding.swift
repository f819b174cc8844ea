// Thrift encoders for what the writer emits: the footer and data/dictionary page headers.

extension ThriftCompactWriter {
    mutating func write(_ m: FileMetaData, columnCount: Int) {
        writeStruct { w in
            w.field(1, i32: m.version)
            w.field(2, structList: m.schema) { w, e in w.write(e) }
            w.field(3, i64: m.numRows)
            w.field(4, structList: m.rowGroups) { w, g in w.write(g) }
            if !m.keyValueMetadata.isEmpty {
                w.field(5, structList: m.keyValueMetadata) { w, kv in
                    w.field(1, string: kv.key)
                    if let v = kv.value { w.field(2, string: v) }
                }
            }
            if let c = m.createdBy { w.field(6, string: c) }
            // column_orders: TYPE_DEFINED_ORDER for every column, so readers trust min_value/max_value.
            w.field(7, structList: Array(repeating: 0, count: columnCount)) { w, _ in
                w.field(1, struct: { _ in })
            }
        }
    }

    mutating func write(_ e: SchemaElement) {
        if let t = e.type { field(1, i32: t.rawValue) }
        if let r = e.repetition { field(3, i32: r.rawValue) }
        field(4, string: e.name)
        if e.numChildren > 0 { field(5, i32: Int32(e.numChildren)) }
        if let c = e.convertedType { field(6, i32: c.rawValue) }
        if let l = e.logicalType {
            field(10, struct: { w in
                switch l {
                case .string: w.field(1, struct: { _ in })
                case .date: w.field(6, struct: { _ in })
                case .timestamp(let utc, let unit):
                    w.field(8, struct: { w in
                        w.field(1, bool: utc)
                        w.field(2, struct: { w in
                            switch unit {
                            case .millis: w.field(1, struct: { _ in })
                            case .micros: w.field(2, struct: { _ in })
                            case .nanos: w.field(3, struct: { _ in })
                            }
                        })
                    })
                case .integer(let width, let signed):
                    w.field(10, struct: { w in
                        w.fieldHeader(1, .byte)
                        w.appendByte(UInt8(truncatingIfNeeded: width))
                        w.field(2, bool: signed)
                    })
                case .other: break
                }
            })
        }
    }

    mutating func write(_ g: RowGroupMeta) {
        field(1, structList: g.columns) { w, c in
            w.field(2, i64: c.fileOffset)
            if let m = c.metaData { w.field(3, struct: { w in w.write(m) }) }
        }
        field(2, i64: g.totalByteSize)
        field(3, i64: g.numRows)
    }

    mutating func write(_ m: ColumnMetaData) {
        field(1, i32: m.type)
        field(2, i32List: m.encodings)
        field(3, stringList: m.pathInSchema)
        field(4, i32: m.codec)
        field(5, i64: m.numValues)
        field(6, i64: m.totalUncompressedSize)
        field(7, i64: m.totalCompressedSize)
        field(9, i64: m.dataPageOffset)
        if let d = m.dictionaryPageOffset { field(11, i64: d) }
        if let s = m.statistics {
            field(12, struct: { w in
                if let v = s.max { w.field(1, binary: v) }
                if let v = s.min { w.field(2, binary: v) }
                if let n = s.nullCount { w.field(3, i64: n) }
                if let v = s.maxValue { w.field(5, binary: v) }
                if let v = s.minValue { w.field(6, binary: v) }
            })
        }
    }

    mutating func write(_ h: PageHeader) {
        writeStruct { w in
            w.field(1, i32: h.type)
            w.field(2, i32: Int32(h.uncompressedPageSize))
            w.field(3, i32: Int32(h.compressedPageSize))
            if let d = h.dataPage {
                w.field(5, struct: { w in
                    w.field(1, i32: Int32(d.numValues))
                    w.field(2, i32: d.encoding)
                    w.field(3, i32: d.definitionLevelEncoding)
                    w.field(4, i32: d.repetitionLevelEncoding)
                })
            }
            if let d = h.dictionaryPage {
                w.field(7, struct: { w in
                    w.field(1, i32: Int32(d.numValues))
                    w.field(2, i32: d.encoding)
                })
            }
        }
    }
}
