/// What a bearer token may do on `larder serve`'s API. A larger scope includes the smaller ones:
/// `admin` ⊇ `write` ⊇ `read`.
///
/// | scope   | routes                                                                        |
/// |---------|-------------------------------------------------------------------------------|
/// | `read`  | `POST /get-online-features`, `POST /predict`, `GET /metrics`, `GET /jobs/{id}` |
/// | `write` | `POST /push`, and what `read` allows                                          |
/// | `admin` | `POST /materialize`, `POST /materialize-incremental`, `POST /reload`, and the rest |
///
/// ```swift
/// AccessTokenScope.admin.includes(.write)   // true
/// AccessTokenScope.read.includes(.write)    // false
/// AccessTokenScope(rawValue: "write")       // .write
/// ```
package enum AccessTokenScope: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case read, write, admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .admin: 2
        }
    }

    package static func < (lhs: AccessTokenScope, rhs: AccessTokenScope) -> Bool { lhs.rank < rhs.rank }

    /// Whether a token of this scope may do what `other` allows.
    package func includes(_ other: AccessTokenScope) -> Bool { self >= other }

    package var description: String { rawValue }
}
