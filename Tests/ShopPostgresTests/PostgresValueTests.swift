import Foundation
import Testing

@testable import ShopPostgres

@Suite("Values, timestamps, placeholders and backoff (no server)")
struct PostgresValueTests {
    @Test("timestamps read in PostgreSQL's ISO output forms")
    func parseTimestamps() throws {
        let expected = 1_795_607_161.123456
        #expect(seconds(PostgresTimestamp.parse("2026-11-25 11:46:01.123456+00")) == expected)
        #expect(seconds(PostgresTimestamp.parse("2026-11-25T13:46:01.123456+02")) == expected)
        #expect(seconds(PostgresTimestamp.parse("2026-11-25 06:16:01.123456-05:30")) == expected)
        #expect(seconds(PostgresTimestamp.parse("2026-11-25 11:46:01.123456")) == expected)
        #expect(seconds(PostgresTimestamp.parse("2026-11-25 11:46:01.12Z")) == 1_795_607_161.12)
        #expect(seconds(PostgresTimestamp.parse("1969-12-31 23:59:59+00")) == -1)
        #expect(seconds(PostgresTimestamp.parse("2000-02-29 00:00:00+00")) == 951_782_400)
        for bad in ["infinity", "-infinity", "2026-13-01 00:00:00+00", "2026-11-25", "2026-11-25 11:46:01+0", "0044-03-15 12:00:00+00 BC", ""] {
            #expect(PostgresTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    /// Seconds since 1970 rounded to microseconds (what PostgreSQL keeps), so float noise does not matter.
    private func seconds(_ date: Date?) -> Double? {
        date.map { ($0.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000 }
    }

    @Test("timestamps format to microseconds in UTC and read back")
    func formatTimestamps() {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500000Z")
        for seconds in [0.0, 1_795_613_161.123456, -86_400 * 365.25 * 50, 4_102_444_799.999999] {
            let date = Date(timeIntervalSince1970: seconds)
            let back = PostgresTimestamp.parse(PostgresTimestamp.format(date))
            #expect(abs((back?.timeIntervalSince1970 ?? .nan) - seconds) < 0.000_001)
        }
    }

    @Test("parameters in PostgreSQL text input form")
    func parameterText() {
        #expect(PostgresValue.bool(true).text == "true")
        #expect(PostgresValue.int(-42).text == "-42")
        #expect(PostgresValue.double(.infinity).text == "Infinity")
        #expect(PostgresValue.double(.nan).text == "NaN")
        #expect(PostgresValue.double(1.5).text == "1.5")
        let literals: [PostgresValue?] = ["a", 1, true, 2.5, nil]
        #expect(literals == [.text("a"), .int(1), .bool(true), .double(2.5), nil])
    }

    @Test("batch placeholders number every value once, in row order")
    func placeholders() throws {
        #expect(PostgresBatchInsert.placeholders(rows: 2, columns: 3) == "($1,$2,$3),($4,$5,$6)")
        #expect(PostgresBatchInsert.placeholders(rows: 1, columns: 1) == "($1)")
        let batch = try PostgresBatchInsert(into: "archive.events", columns: ["a", "b"], onConflict: .doNothing)
        let statements = try batch.statements(for: [["1", "2"], ["3", nil]])
        #expect(statements.count == 1)
        #expect(statements[0].sql == #"INSERT INTO "archive"."events" ("a", "b") VALUES ($1,$2),($3,$4) ON CONFLICT DO NOTHING"#)
        #expect(statements[0].parameters == ["1", "2", "3", nil])
    }

    @Test("batches split below 65,535 parameters")
    func batchSplitting() throws {
        let batch = try PostgresBatchInsert(into: "t", columns: (0..<10).map { "c\($0)" })
        let rows = (0..<7000).map { row in (0..<10).map { PostgresValue.int(Int64(row * 10 + $0)) } }
        let statements = try batch.statements(for: rows)
        #expect(statements.map(\.parameters.count) == [65_530, 4470])
        #expect(statements.flatMap(\.parameters) == rows.flatMap { $0 })
    }

    @Test("bad identifiers and ragged rows are refused", arguments: [
        "events; DROP TABLE x", "Events", "a.b.c", "", "1abc", "ev\"ents", "e vents", String(repeating: "a", count: 64),
    ])
    func badIdentifiers(name: String) throws {
        #expect(throws: PostgresError.self) { try PostgresBatchInsert(into: name, columns: ["a"]) }
        #expect(throws: PostgresError.self) { try PostgresBatchInsert(into: "t", columns: [name]) }
        let batch = try PostgresBatchInsert(into: "t", columns: ["a", "b"])
        #expect(throws: PostgresError.self) { try batch.statements(for: [["1"]]) }
    }

    @Test("backoff doubles from 100 ms to at most 2 s and clears on success")
    func backoff() {
        var backoff = ReconnectBackoff()
        let start = ContinuousClock.now
        #expect(backoff.permission(at: start).allowsConnecting)
        let error = PostgresError(.connectionFailed, "refused")
        var delays: [Duration] = []
        for _ in 0..<7 {
            backoff.recordFailure(error, at: start)
            delays.append(backoff.retryAt! - start)
        }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                           .milliseconds(1600), .seconds(2), .seconds(2)])
        guard case .refused(let refusal) = backoff.permission(at: start + .seconds(1)) else {
            Issue.record("expected a refusal during the backoff")
            return
        }
        #expect(refusal.code == .unavailable && refusal.message.contains("refused"))
        #expect(backoff.permission(at: start + .seconds(2)).allowsConnecting)
        backoff.recordSuccess()
        #expect(backoff.permission(at: start).allowsConnecting)
    }
}

extension PostgresConnection.ConnectPermission {
    var allowsConnecting: Bool {
        if case .allowed = self { return true }
        return false
    }
}
