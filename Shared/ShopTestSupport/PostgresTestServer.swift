import Foundation
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster for tests: initdb into a fresh temporary directory, started on a free port on
/// 127.0.0.1 (trust auth, durability off for speed), stopped and removed by `stop()` or at process exit.
///
/// As root the cluster belongs to and runs as the `postgres` user (PostgreSQL refuses root). Use `shared()` and
/// a `createDatabase()` per test; start a private one only to stop and restart it.
public final class PostgresTestServer: Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The temporary directory holding `data/` and `server.log`.
    public let directory: String
    private let binDirectory: String
    private var dataDirectory: String { directory + "/data" }
    private var logFile: String { directory + "/server.log" }

    private init(port: Int, directory: String, binDirectory: String) {
        self.port = port
        self.directory = directory
        self.binDirectory = binDirectory
    }

    /// The URL of `database` on this server, as `DATABASE_URL` takes it.
    public func url(database: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)" }

    /// Creates an empty database with a unique name and returns its URL.
    public func createDatabase(prefix: String = "test") async throws -> String {
        let clean = prefix.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        let name = "\(clean.prefix(30))_\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF)"
        try await Self.run(binDirectory + "/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", name],
                           asOwner: false, what: "createdb \(name)")
        return url(database: name)
    }

    /// Starts a new private cluster; call `stop()` when done (it is also removed at process exit).
    public static func start() async throws -> PostgresTestServer {
        let binDirectory = try findBinDirectory()
        Registry.sweepAbandoned()
        let directory = try makeDirectory()
        Registry.register(directory)
        do {
            try await run(binDirectory + "/initdb", ["-D", directory + "/data", "-U", "postgres", "-E", "UTF8", "--locale=C",
                                                     "--auth=trust", "--no-sync"],
                          asOwner: true, what: "initdb")
            var lastError: (any Error)?
            for _ in 0..<3 {  // the free port may be taken before PostgreSQL binds it: try another
                let server = PostgresTestServer(port: try freePort(), directory: directory, binDirectory: binDirectory)
                do {
                    try await server.startServer()
                    return server
                } catch {
                    lastError = error
                }
            }
            throw lastError ?? TestSupportError("PostgreSQL did not start")
        } catch {
            removeCluster(at: directory)
            Registry.unregister(directory)
            throw error
        }
    }

    /// One cluster for every test of this process, started on first use and removed at process exit.
    public static func shared() async throws -> PostgresTestServer {
        enum Step { case use(PostgresTestServer), fail(any Error), wait, startIt }
        let step: Step = sharedState.withLock { state in
            switch state {
            case .started(let server): return .use(server)
            case .failed(let error): return .fail(error)
            case .starting: return .wait
            case .idle:
                state = .starting([])
                return .startIt
            }
        }
        switch step {
        case .use(let server): return server
        case .fail(let error): throw error
        case .wait:
            return try await withCheckedThrowingContinuation { continuation in
                let ready: Result<PostgresTestServer, any Error>? = sharedState.withLock { state in
                    switch state {
                    case .started(let server): return .success(server)
                    case .failed(let error): return .failure(error)
                    case .idle: return .failure(TestSupportError("the shared PostgreSQL server was never started"))
                    case .starting(let waiters):
                        state = .starting(waiters + [continuation])
                        return nil
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        case .startIt:
            let result: Result<PostgresTestServer, any Error>
            do { result = .success(try await start()) } catch { result = .failure(error) }
            let waiters = sharedState.withLock { state in
                guard case .starting(let waiters) = state else { return [] as [CheckedContinuation<PostgresTestServer, any Error>] }
                switch result {
                case .success(let server): state = .started(server)
                case .failure(let error): state = .failed(error)
                }
                return waiters
            }
            for waiter in waiters { waiter.resume(with: result) }
            return try result.get()
        }
    }

    /// Starts (or restarts) the server process on `port`, and waits until it accepts connections.
    public func startServer() async throws {
        let options = "-c listen_addresses=127.0.0.1 -c port=\(port) -c unix_socket_directories='' -c fsync=off "
            + "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=200"
        try await Self.run(binDirectory + "/pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "120", "-o", options, "start"],
                           asOwner: true, what: "pg_ctl start on port \(port) (log: \(logFile))")
    }

    /// Stops the server process (fast shutdown: sessions are disconnected), keeping its data.
    public func stopServer() async throws {
        try await Self.run(binDirectory + "/pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
                           asOwner: true, what: "pg_ctl stop")
    }

    /// Stops the server and removes its directory.
    public func stop() async throws {
        defer {
            Self.removeCluster(at: directory)
            Self.unregisterForExit(directory)
        }
        try await stopServer()
    }

    private static func unregisterForExit(_ directory: String) { Registry.unregister(directory) }

    // MARK: Processes and files

    private enum SharedState {
        case idle
        case starting([CheckedContinuation<PostgresTestServer, any Error>])
        case started(PostgresTestServer)
        case failed(any Error)
    }
    private static let sharedState = Mutex(SharedState.idle)

    private static var runsAsRoot: Bool { getuid() == 0 }

    /// Runs a command to completion, as the cluster owner when `asOwner`; a non-zero exit becomes an error
    /// carrying the command's output. The wait happens on NIO's blocking thread pool, not a Swift task thread.
    ///
    /// posix_spawn, not Foundation's Process: Process watches for the child's exit through a descriptor that
    /// the postmaster daemon inherits and keeps open, so `pg_ctl start` would never be seen to finish.
    private static func run(_ executable: String, _ arguments: [String], asOwner: Bool, what: String) async throws {
        var argv = [executable] + arguments
        if asOwner && runsAsRoot {
            argv = [try findExecutable("runuser", in: ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]), "-u", "postgres", "--"] + argv
        }
        let outputPath = "/tmp/ordershop-pgcmd-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let pid = try spawn(argv, outputPath: outputPath, what: what)
        let status = try await NIOThreadPool.singleton.runIfActive {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return status
        }
        let exited = status & 0x7F == 0
        guard exited && (status >> 8) & 0xFF == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            let outcome = exited ? "exit status \((status >> 8) & 0xFF)" : "signal \(status & 0x7F)"
            throw TestSupportError("\(what) failed (\(outcome)): \(text.suffix(2000))")
        }
    }

    /// Starts `argv` in `/` with stdin from /dev/null, stdout and stderr to `outputPath`, no other descriptors.
    private static func spawn(_ argv: [String], outputPath: String, what: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // glibc's `_np` actions are not in Swift's Glibc module: look them up (glibc >= 2.34 has both).
        let library = dlopen(nil, RTLD_NOW)
        defer { if let library { dlclose(library) } }
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        if let symbol = dlsym(library, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)  // the postmaster must not keep our sockets open
        }
        if let symbol = dlsym(library, "posix_spawn_file_actions_addchdir_np") {
            _ = unsafeBitCast(symbol, to: ChangeDirectory.self)(&actions, "/")
        }
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard result == 0 else { throw TestSupportError("\(what): cannot run \(argv[0]): errno \(result)") }
        return pid
    }

    /// The directory with initdb and pg_ctl: $PG_BINDIR, the newest /usr/lib/postgresql/*/bin, or PATH.
    private static func findBinDirectory() throws -> String {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["PG_BINDIR"] { candidates.append(configured) }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        candidates.append("/usr/local/pgsql/bin")
        for directory in candidates
        where FileManager.default.isExecutableFile(atPath: directory + "/initdb")
            && FileManager.default.isExecutableFile(atPath: directory + "/pg_ctl") {
            return directory
        }
        throw TestSupportError("no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql or set PG_BINDIR")
    }

    private static func findExecutable(_ name: String, in directories: [String]) throws -> String {
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw TestSupportError("\(name) not found in \(directories.joined(separator: ", "))")
    }

    /// `/tmp/ordershop-pg-<pid>-<random>`, owned by the cluster owner (the pid lets a later run sweep it up).
    private static func makeDirectory() throws -> String {
        let base = runsAsRoot ? "/tmp" : (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp")
        let directory = "\(base)/\(Registry.prefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if runsAsRoot {
            guard let owner = getpwnam("postgres") else {
                throw TestSupportError("running as root needs the unprivileged user 'postgres' to own the test cluster")
            }
            guard chown(directory, owner.pointee.pw_uid, owner.pointee.pw_gid) == 0 else {
                throw TestSupportError("chown \(directory) failed: errno \(errno)")
            }
        }
        return directory
    }

    /// Ends the cluster's postmaster at once if it still runs (SIGQUIT: immediate shutdown) and deletes the directory.
    fileprivate static func removeCluster(at directory: String) {
        if let pidText = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8),
           let line = pidText.split(separator: "\n").first, let pid = pid_t(line), pid > 0 {
            if kill(pid, SIGQUIT) == 0 {
                for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The clusters this process created, removed at exit; and the sweep of those left by dead processes.
    private enum Registry {
        static let prefix = "ordershop-pg-"
        private static let directories = Mutex<(exitHookInstalled: Bool, paths: Set<String>)>((false, []))

        static func register(_ directory: String) {
            let installHook = directories.withLock { state in
                state.paths.insert(directory)
                defer { state.exitHookInstalled = true }
                return !state.exitHookInstalled
            }
            if installHook { atexit { Registry.removeAll() } }
        }

        static func unregister(_ directory: String) {
            _ = directories.withLock { $0.paths.remove(directory) }
        }

        static func removeAll() {
            let paths = directories.withLock { state in
                defer { state.paths = [] }
                return state.paths
            }
            for path in paths { PostgresTestServer.removeCluster(at: path) }
        }

        /// Removes clusters whose creating process is gone (it crashed or was killed before its exit hook ran).
        static func sweepAbandoned() {
            for base in Set(["/tmp", ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"]) {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
                for entry in entries where entry.hasPrefix(prefix) {
                    let owner = entry.dropFirst(prefix.count).split(separator: "-").first.flatMap { pid_t($0) }
                    guard let owner, owner != getpid(), kill(owner, 0) != 0, errno == ESRCH else { continue }
                    PostgresTestServer.removeCluster(at: "\(base)/\(entry)")
                }
            }
        }
    }
}
