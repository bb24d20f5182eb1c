// ShopPostgres/Connection: one libpq connection: its blocking calls on the client's thread pool, connecting, statements.

import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocking libpq calls, in one place. Every function here blocks: call them only on the thread pool.
enum LibPQ {
    /// Opens a connection (session time zone UTC, so timestamps come back as `…+00`) or throws `.connectionFailed`.
    static func connect(_ configuration: PostgresConfiguration) throws(PostgresError) -> OpaquePointer {
        var parameters: [(String, String)] = [
            ("host", configuration.host),
            ("port", String(configuration.port)),
            ("user", configuration.user),
            ("dbname", configuration.database),
            ("connect_timeout", String(configuration.connectTimeoutSeconds)),
            ("application_name", configuration.applicationName),
            ("client_encoding", "UTF8"),
            ("options", "-c TimeZone=UTC -c DateStyle=ISO"),
        ]
        if let password = configuration.password { parameters.append(("password", password)) }
        if let sslMode = configuration.sslMode { parameters.append(("sslmode", sslMode)) }

        let keywords = parameters.map { strdup($0.0) } + [nil]
        let values = parameters.map { strdup($0.1) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let connection = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordPointers in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keywordPointers.baseAddress, valuePointers.baseAddress, 0)
            }
        }
        guard let connection else { throw PostgresError(.connectionFailed, "libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = errorMessage(connection)
            PQfinish(connection)
            throw PostgresError(.connectionFailed, "cannot connect to \(configuration): \(message)")
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr; they are not errors.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        return connection
    }

    /// True when the connection still works: reads whatever the server sent, which reveals a closed socket.
    static func isHealthy(_ connection: OpaquePointer) -> Bool {
        guard PQstatus(connection) == CONNECTION_OK else { return false }
        return PQconsumeInput(connection) == 1 && PQstatus(connection) == CONNECTION_OK
    }

    /// True when no transaction is open on the connection.
    static func isIdle(_ connection: OpaquePointer) -> Bool {
        PQtransactionStatus(connection) == PQTRANS_IDLE
    }

    static func finish(_ connection: OpaquePointer) {
        PQfinish(connection)
    }

    /// Runs one parameterised statement (`PQexecParams`, text format) and reads its whole result.
    static func execute(_ connection: OpaquePointer, _ sql: String, _ parameters: [String?]) throws(PostgresError) -> PostgresRows {
        guard !sql.utf8.contains(0) else { throw .invalidParameter("the statement contains a NUL byte") }
        guard parameters.count <= Int(Int16.max) * 2 + 1 else {
            throw .invalidParameter("\(parameters.count) parameters; PostgreSQL takes at most 65535 in one statement")
        }
        for (index, parameter) in parameters.enumerated() where parameter?.utf8.contains(0) == true {
            throw .invalidParameter("parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot hold")
        }
        let values = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { values.forEach { free($0) } }
        let result = values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
            PQexecParams(connection, sql, Int32(parameters.count), nil, valuePointers.baseAddress, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard let result else { throw lostOrFailed(connection) }

        let status = PQresultStatus(result)
        if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
            return rows(of: result)
        }
        if status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR || status == PGRES_BAD_RESPONSE {
            if PQstatus(connection) != CONNECTION_OK { throw lostOrFailed(connection) }
            throw serverError(result)
        }
        if status == PGRES_EMPTY_QUERY { throw PostgresError(.unexpectedResult, "the statement is empty") }
        throw PostgresError(.unexpectedResult, "unsupported result status \(String(cString: PQresStatus(status)))")
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let names = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var cells: [String?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    cells.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let text = PQgetvalue(result, row, column)!.withMemoryRebound(to: UInt8.self, capacity: length) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    }
                    cells.append(text)
                }
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? rowCount
        return PostgresRows(columns: PostgresColumns(names: names), cells: cells, affectedRows: affected)
    }

    private static func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let detail = [field("D"), field("H").map { "hint: \($0)" }].compactMap { $0 }.joined(separator: "; ")
        return PostgresError(
            .server, field("M") ?? "the server reported an error", sqlState: field("C"),
            detail: detail.isEmpty ? nil : detail)
    }

    private static func lostOrFailed(_ connection: OpaquePointer) -> PostgresError {
        let message = errorMessage(connection)
        if PQstatus(connection) != CONNECTION_OK {
            return PostgresError(.connectionLost, "the connection to PostgreSQL broke: \(message)")
        }
        return PostgresError(.server, message.isEmpty ? "the statement failed without a result" : message)
    }

    private static func errorMessage(_ connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "" }
        return String(cString: message).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
