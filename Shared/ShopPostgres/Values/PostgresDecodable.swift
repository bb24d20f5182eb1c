// ShopPostgres/Values: what goes into a statement and comes out of a row: parameters, rows, decoding, timestamps.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A type a result cell's text converts to; nil is SQL NULL, which only optionals accept.
public protocol PostgresDecodable: Sendable {
    /// Converts the cell's text, or throws a decoding error that says what was wrong.
    init(postgresText text: String?) throws(PostgresError)
}

extension PostgresDecodable {
    fileprivate static func required(_ text: String?) throws(PostgresError) -> String {
        guard let text else { throw .decoding("is NULL, expected \(Self.self)") }
        return text
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String?) throws(PostgresError) {
        self = text == nil ? nil : try Wrapped(postgresText: text)
    }
}

extension String: PostgresDecodable {
    public init(postgresText text: String?) throws(PostgresError) { self = try Self.required(text) }
}

extension Int: PostgresDecodable {
    public init(postgresText text: String?) throws(PostgresError) {
        let text = try Self.required(text)
        guard let value = Int(text) else { throw .decoding("'\(text.prefix(40))' is not an integer") }
        self = value
    }
}

extension Int64: PostgresDecodable {
    public init(postgresText text: String?) throws(PostgresError) {
        let text = try Self.required(text)
        guard let value = Int64(text) else { throw .decoding("'\(text.prefix(40))' is not an integer") }
        self = value
    }
}

extension Double: PostgresDecodable {
    public init(postgresText text: String?) throws(PostgresError) {
        let text = try Self.required(text)
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw .decoding("'\(text.prefix(40))' is not a number") }
            self = value
        }
    }
}

extension Bool: PostgresDecodable {
    public init(postgresText text: String?) throws(PostgresError) {
        switch try Self.required(text) {
        case "t", "true": self = true
        case "f", "false": self = false
        case let other: throw .decoding("'\(other.prefix(40))' is not a boolean")
        }
    }
}

extension Date: PostgresDecodable {
    public init(postgresText text: String?) throws(PostgresError) {
        let text = try Self.required(text)
        guard let date = PostgresTimestamp.parse(text) else { throw .decoding("'\(text.prefix(40))' is not a finite timestamp") }
        self = date
    }
}

/// A UUID cell, checked to be `8-4-4-4-12` hex digits and given in lowercase.
struct PostgresUUID: PostgresDecodable {
    let text: String

    init(postgresText text: String?) throws(PostgresError) {
        let text = try Self.required(text)
        let bytes = Array(text.utf8)
        let isUUID = bytes.count == 36 && bytes.indices.allSatisfy { index in
            [8, 13, 18, 23].contains(index) ? bytes[index] == UInt8(ascii: "-") : Self.isHexDigit(bytes[index])
        }
        guard isUUID else { throw .decoding("'\(text.prefix(40))' is not a UUID") }
        self.text = text.lowercased()
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)
    }
}
