// ShopPostgres/Values: what goes into a statement and comes out of a row: parameters, rows, decoding, timestamps.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rows a statement returned, read out of libpq completely (no handle stays open), plus its row count.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// The result's column names, in order.
    public var columnNames: [String] { columns.names }
    /// Rows the command touched (`INSERT 0 5` gives 5); for a SELECT, the rows returned.
    public let affectedRows: Int

    let columns: PostgresColumns
    /// Row-major cell texts, nil for SQL NULL.
    let cells: [String?]

    init(columns: PostgresColumns, cells: [String?], affectedRows: Int) {
        self.columns = columns
        self.cells = cells
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.names.isEmpty ? 0 : cells.count / columns.names.count }

    public subscript(position: Int) -> PostgresRow {
        precondition(indices.contains(position), "row \(position) out of range 0..<\(count)")
        return PostgresRow(rows: self, index: position)
    }
}

/// The names of a result's columns and where each one sits, shared by all its rows.
final class PostgresColumns: Sendable {
    let names: [String]
    private let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
        self.positions = positions
    }

    func position(of name: String) -> Int? { positions[name] }
}

/// One row: typed accessors by column name (a missing column, an unexpected NULL or a malformed value throw).
public struct PostgresRow: Sendable {
    private let rows: PostgresRows
    private let index: Int

    init(rows: PostgresRows, index: Int) {
        self.rows = rows
        self.index = index
    }

    /// The cell's text as the server sent it, nil for NULL; throws for an unknown column.
    public func text(_ column: String) throws(PostgresError) -> String? {
        guard let position = rows.columns.position(of: column) else {
            throw .decoding("no column '\(column)' in the result (columns: \(rows.columnNames.joined(separator: ", ")))")
        }
        return rows.cells[index * rows.columns.names.count + position]
    }

    /// True when the cell is SQL NULL.
    public func isNull(_ column: String) throws(PostgresError) -> Bool { try text(column) == nil }

    /// The cell as `T`; use an optional `T` (`String?.self`) for a nullable column.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        do {
            return try T(postgresText: try text(column))
        } catch {
            throw .decoding("column '\(column)': \(error.message)")
        }
    }

    // The typed accessors below throw for NULL; use `decode(_:as:)` with an optional type for nullable columns.

    /// A text cell.
    public func string(_ column: String) throws(PostgresError) -> String { try decode(column) }
    /// An integer cell (`int`, `bigint`, `count(*)`).
    public func int(_ column: String) throws(PostgresError) -> Int { try decode(column) }
    /// An integer cell as `Int64`.
    public func int64(_ column: String) throws(PostgresError) -> Int64 { try decode(column) }
    /// A floating-point cell (`NaN` and `±Infinity` included).
    public func double(_ column: String) throws(PostgresError) -> Double { try decode(column) }
    /// A boolean cell.
    public func bool(_ column: String) throws(PostgresError) -> Bool { try decode(column) }
    /// A `json`/`jsonb` cell's JSON text (jsonb comes back normalised: sorted keys, single spaces).
    public func json(_ column: String) throws(PostgresError) -> String { try decode(column) }
    /// A `uuid` cell as its lowercase textual form.
    public func uuid(_ column: String) throws(PostgresError) -> String { try decode(column, as: PostgresUUID.self).text }
    /// A `timestamptz` (or `timestamp`, read as UTC) cell.
    public func timestamp(_ column: String) throws(PostgresError) -> Date { try decode(column) }
}
