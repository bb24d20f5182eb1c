// ShopPostgres/Values: what goes into a statement and comes out of a row: parameters, rows, decoding, timestamps.

/// A multi-row `INSERT … VALUES ($1,$2),($3,$4) …`: values only ever travel as parameters.
///
/// Table and column names are checked (lowercase letters, digits, `_`; a schema prefix allowed) and quoted,
/// so no caller text reaches the SQL; batches beyond PostgreSQL's 65,535 parameters are split.
public struct PostgresBatchInsert: Sendable {
    /// What a row that violates a unique constraint does.
    public enum Conflict: Sendable {
        /// The statement fails (SQLSTATE 23505).
        case fail
        /// The row is skipped (`ON CONFLICT DO NOTHING`), which makes repeated inserts idempotent.
        case doNothing
    }

    /// The table and columns as given (checked, unquoted), and what a conflicting row does.
    public let table: String
    public let columns: [String]
    public let conflict: Conflict
    private let prefix: String

    /// PostgreSQL's limit of parameters in one statement.
    static let maximumParameters = 65_535

    /// An insert into `table` (`events` or `archive.events`) of `columns`; throws for a bad name.
    public init(into table: String, columns: [String], onConflict conflict: Conflict = .fail) throws(PostgresError) {
        guard !columns.isEmpty else { throw .invalidParameter("a batch insert needs at least one column") }
        guard columns.count <= Self.maximumParameters else { throw .invalidParameter("too many columns: \(columns.count)") }
        guard Set(columns).count == columns.count else { throw .invalidParameter("a batch insert names a column twice") }
        let tableParts = table.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard tableParts.count <= 2 else { throw .invalidParameter("table name '\(table.prefix(64))' has more than one '.'") }
        let quotedTable = try tableParts.map { part throws(PostgresError) in try Self.quoted(part) }.joined(separator: ".")
        let quotedColumns = try columns.map { column throws(PostgresError) in try Self.quoted(column) }.joined(separator: ", ")
        self.table = table
        self.columns = columns
        self.conflict = conflict
        self.prefix = "INSERT INTO \(quotedTable) (\(quotedColumns)) VALUES "
    }

    /// `($1,$2,$3),($4,$5,$6)` for 2 rows of 3 columns: the VALUES list of a batch statement.
    public static func placeholders(rows: Int, columns: Int) -> String {
        var text = ""
        text.reserveCapacity(rows * columns * 7)
        var number = 1
        for row in 0..<max(rows, 0) {
            text += row == 0 ? "(" : ",("
            for column in 0..<max(columns, 0) {
                if column > 0 { text += "," }
                text += "$\(number)"
                number += 1
            }
            text += ")"
        }
        return text
    }

    /// The statements for `rows` (each one SQL text and its flattened parameters); several when the rows need
    /// more than 65,535 parameters. Every row must have one value per column.
    public func statements(for rows: [[PostgresValue?]]) throws(PostgresError) -> [(sql: String, parameters: [PostgresValue?])] {
        for (index, row) in rows.enumerated() where row.count != columns.count {
            throw .invalidParameter("row \(index) has \(row.count) values for \(columns.count) columns")
        }
        let rowsPerStatement = Self.maximumParameters / columns.count
        let suffix = conflict == .doNothing ? " ON CONFLICT DO NOTHING" : ""
        return stride(from: 0, to: rows.count, by: rowsPerStatement).map { start in
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            let sql = prefix + Self.placeholders(rows: chunk.count, columns: columns.count) + suffix
            return (sql, chunk.flatMap { $0 })
        }
    }

    private static func quoted(_ name: String) throws(PostgresError) -> String {
        let bytes = Array(name.utf8)
        let valid = !bytes.isEmpty && bytes.count <= 63 && !(48...57).contains(bytes[0])
            && bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "_") }
        guard valid else {
            throw .invalidParameter("'\(name.prefix(64))' is not a plain identifier (lowercase letters, digits and _, at most 63)")
        }
        return "\"\(name)\""
    }
}

extension PostgresConnection {
    /// Inserts `rows` with as few statements as possible; returns how many rows were inserted (skipped
    /// conflicts excluded). Run it inside `withTransaction` when a split batch must be all or nothing.
    public func insert(_ batch: PostgresBatchInsert, rows: [[PostgresValue?]]) async throws -> Int {
        var inserted = 0
        for statement in try batch.statements(for: rows) {
            inserted += try await query(statement.sql, statement.parameters).affectedRows
        }
        return inserted
    }
}

extension PostgresClient {
    /// Inserts `rows` atomically (one transaction when the batch needs several statements); returns rows inserted.
    public func insert(_ batch: PostgresBatchInsert, rows: [[PostgresValue?]]) async throws -> Int {
        let statements = try batch.statements(for: rows)
        if statements.count == 1 { return try await query(statements[0].sql, statements[0].parameters).affectedRows }
        if statements.isEmpty { return 0 }
        return try await withTransaction { connection in try await connection.insert(batch, rows: rows) }
    }
}
