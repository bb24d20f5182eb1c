// ShopPostgres/Values: what goes into a statement and comes out of a row: parameters, rows, decoding, timestamps.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A statement parameter, sent in PostgreSQL's text format; the server infers its type from the statement.
///
/// Literals work directly: `["Alice", 42, true, nil]` is a valid parameter list.
public enum PostgresValue: Sendable, Hashable {
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// JSON text, for `json`/`jsonb` columns.
    case json(String)
    /// A UUID in its usual textual form.
    case uuid(String)
    case timestamp(Date)

    /// The value as PostgreSQL's text input format reads it.
    var text: String {
        switch self {
        case .text(let value), .json(let value), .uuid(let value): value
        case .int(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .double(let value):
            if value.isNaN { "NaN" } else if value.isInfinite { value < 0 ? "-Infinity" : "Infinity" } else { String(value) }
        case .timestamp(let date): PostgresTimestamp.format(date)
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}

