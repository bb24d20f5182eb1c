// ShopPostgres/Migrations: the schema's numbered migrations and how the client applies them once.

extension PostgresClient {
    /// Key of the session-level advisory lock that lets one process migrate at a time ("ORDSHOP" + 1).
    static let migrationLockKey: Int64 = 0x4F52_4453_484F_5001

    /// Applies the migrations not recorded in `schema_migrations` yet, in version order, each in its own
    /// transaction, holding an advisory lock so that concurrent starters take turns. Returns the versions
    /// applied by this call (empty when the schema was up to date).
    @discardableResult
    public func migrate(_ migrations: [PostgresMigration]) async throws -> [Int] {
        let ordered = migrations.sorted { $0.version < $1.version }
        guard ordered.allSatisfy({ $0.version > 0 }), Set(ordered.map(\.version)).count == ordered.count else {
            throw PostgresError(.migration, "migration versions must be positive and unique")
        }
        return try await withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock($1)", [.int(Self.migrationLockKey)])
            do {
                let applied = try await applyPending(ordered, on: connection)
                _ = try await connection.query("SELECT pg_advisory_unlock($1)", [.int(Self.migrationLockKey)])
                return applied
            } catch {
                // A lost connection releases the lock by itself; otherwise give it back before failing.
                _ = try? await connection.query("SELECT pg_advisory_unlock($1)", [.int(Self.migrationLockKey)])
                throw error
            }
        }
    }

    private func applyPending(_ migrations: [PostgresMigration], on connection: PostgresConnection) async throws -> [Int] {
        _ = try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    bigint      PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var recorded: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations") {
            recorded[try row.int("version")] = try row.string("checksum")
        }
        var applied: [Int] = []
        for migration in migrations {
            if let checksum = recorded[migration.version] {
                guard checksum == migration.checksum else {
                    throw PostgresError(.migration, "migration \(migration.version) (\(migration.name)) was changed after it was applied")
                }
                continue
            }
            try await apply(migration, on: connection)
            applied.append(migration.version)
            logger.info("applied migration", metadata: ["postgres.migration.version": "\(migration.version)", "postgres.migration.name": "\(migration.name)"])
        }
        return applied
    }

    private func apply(_ migration: PostgresMigration, on connection: PostgresConnection) async throws {
        _ = try await connection.query("BEGIN")
        do {
            for statement in migration.statements { _ = try await connection.query(statement) }
            _ = try await connection.query(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                [.int(Int64(migration.version)), .text(migration.name), .text(migration.checksum)])
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            let reason = (error as? PostgresError).map { "\($0)" } ?? "\(error)"
            throw PostgresError(.migration, "migration \(migration.version) (\(migration.name)) failed: \(reason)",
                                sqlState: (error as? PostgresError)?.sqlState, detail: (error as? PostgresError)?.detail)
        }
    }
}
