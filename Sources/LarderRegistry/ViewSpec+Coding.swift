import Larder

// A view's `expectations` are written only when it has some: definitions without expectations keep the canonical
// JSON (and so the content hash) they had before expectations existed, and older registries read as none.
extension ViewSpec {
    private enum CodingKeys: String, CodingKey {
        case name, entities, ttlMicroseconds, source, fields, transform, online, offline, tags, owner, description, schedule
        case lookbackMicroseconds, expectations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), entities: try c.decode([String].self, forKey: .entities),
            ttlMicroseconds: try c.decodeIfPresent(Int64.self, forKey: .ttlMicroseconds), source: try c.decode(String.self, forKey: .source),
            fields: try c.decode([FieldSpec].self, forKey: .fields), transform: try c.decodeIfPresent(String.self, forKey: .transform),
            online: try c.decode(Bool.self, forKey: .online), offline: try c.decode(Bool.self, forKey: .offline),
            tags: try c.decode([String: String].self, forKey: .tags), owner: try c.decodeIfPresent(String.self, forKey: .owner),
            description: try c.decode(String.self, forKey: .description), schedule: try c.decodeIfPresent(String.self, forKey: .schedule),
            lookbackMicroseconds: try c.decodeIfPresent(Int64.self, forKey: .lookbackMicroseconds),
            expectations: try c.decodeIfPresent([ExpectationSpec].self, forKey: .expectations) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(entities, forKey: .entities)
        try c.encodeIfPresent(ttlMicroseconds, forKey: .ttlMicroseconds)
        try c.encode(source, forKey: .source)
        try c.encode(fields, forKey: .fields)
        try c.encodeIfPresent(transform, forKey: .transform)
        try c.encode(online, forKey: .online)
        try c.encode(offline, forKey: .offline)
        try c.encode(tags, forKey: .tags)
        try c.encodeIfPresent(owner, forKey: .owner)
        try c.encode(description, forKey: .description)
        try c.encodeIfPresent(schedule, forKey: .schedule)
        try c.encodeIfPresent(lookbackMicroseconds, forKey: .lookbackMicroseconds)
        if !expectations.isEmpty { try c.encode(expectations, forKey: .expectations) }
    }
}
