#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The real service executables, started from the build's bin directory on free ports against the Redis (and
/// PostgreSQL) the test gives, each logging to its own file: what `make up` does, for end-to-end tests.
///
/// Use it through ``withServiceStack(_:environment:binDirectory:readyTimeout:_:)``, which always stops
/// every process, also when the test throws.
public final class ServiceStack: Sendable {
    /// Where the executables come from.
    public let binDirectory: String
    /// A fresh temporary directory holding `<executable>.log` for each process.
    public let logDirectory: String
    /// The executables of this stack, in start order.
    public let executables: [String]
    /// What every service (and `ordershop-client`) runs with: the caller's variables, `PORT` aside, plus
    /// `HOST` and the `<EXECUTABLE>_URL` of every service (`CRM_SERVICE_URL`, `GATEWAY_API_URL`, …).
    public let environment: [String: String]
    private let ports: [String: Int]
    private let processes = Mutex<[String: ManagedProcess]>([:])

    /// The variable naming where `executable` listens (the rule of `ServiceName.urlVariable` in ShopDomain).
    public static func urlVariable(of executable: String) -> String {
        executable.uppercased().replacingOccurrences(of: "-", with: "_") + "_URL"
    }

    /// Prepares a stack (nothing runs yet): picks a free port for each executable and a log directory.
    public init(executables: [String], environment: [String: String], binDirectory: String? = nil) throws {
        self.binDirectory = try binDirectory ?? Self.locateBinDirectory(containing: executables.first ?? "gateway-api")
        self.executables = executables
        var ports: [String: Int] = [:]
        for executable in executables { ports[executable] = try freePort() }
        self.ports = ports
        var merged = ProcessInfo.processInfo.environment
        merged["HOST"] = "127.0.0.1"
        merged["LOG_LEVEL"] = "info"
        for (executable, port) in ports { merged[Self.urlVariable(of: executable)] = "http://127.0.0.1:\(port)" }
        merged.merge(environment) { _, given in given }
        self.environment = merged
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ordershop-stack-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.logDirectory = directory.path
    }

    deinit {
        // The safety net when a test forgot `shutdown()`: no process outlives the test run.
        processes.withLock { processes in
            for process in processes.values { process.send(SIGKILL) }
        }
    }

    /// The port `executable` listens on.
    public func port(of executable: String) -> Int { ports[executable] ?? 0 }

    /// The base URL of `executable`, e.g. `http://127.0.0.1:40123`.
    public func url(of executable: String) -> String { "http://127.0.0.1:\(port(of: executable))" }

    /// The log file of `executable` (appended across restarts).
    public func logPath(of executable: String) -> String { logDirectory + "/\(executable).log" }

    /// What `executable` has logged so far.
    public func log(of executable: String) -> String {
        (try? String(contentsOfFile: logPath(of: executable), encoding: .utf8)) ?? ""
    }

    /// Whether `executable` is running (started and not exited).
    public func isRunning(_ executable: String) -> Bool {
        processes.withLock { $0[executable]?.isRunning ?? false }
    }

    /// How `executable` last exited (its status, or the signal that ended it); nil while it runs.
    public func exitStatus(of executable: String) -> Int32? {
        processes.withLock { $0[executable]?.terminationStatus }
    }

    /// Starts every executable, then waits until all answer `/ready`.
    public func startAll(readyTimeout: Duration = .seconds(90)) async throws {
        for executable in executables { try launch(executable) }
        try await waitUntilReady(executables, timeout: readyTimeout)
    }

    /// Starts one (stopped) executable on its port again and waits until it is ready.
    public func start(_ executable: String, readyTimeout: Duration = .seconds(60)) async throws {
        try launch(executable)
        try await waitUntilReady([executable], timeout: readyTimeout)
    }

    /// Stops `executable` gracefully (`signal`, SIGTERM by default; SIGKILL after `grace`) and waits until it has exited.
    public func stop(_ executable: String, signal: Int32 = SIGTERM, grace: Duration = .seconds(20)) async {
        guard let process = processes.withLock({ $0[executable] }) else { return }
        await process.stop(signal: signal, grace: grace)
    }

    /// Kills `executable` with SIGKILL (no shutdown at all) and waits until it has exited.
    public func kill(_ executable: String) async {
        guard let process = processes.withLock({ $0[executable] }) else { return }
        process.send(SIGKILL)
        await process.waitForExit(timeout: .seconds(30))
    }

    /// Stops every process (gracefully, all at once) and waits for them; the logs stay for inspection.
    public func shutdown() async {
        let running = processes.withLock { Array($0.values) }
        await withTaskGroup(of: Void.self) { group in
            for process in running { group.addTask { await process.stop(grace: .seconds(20)) } }
        }
    }

    /// Waits until each of `executables` answers `/ready`, using `ordershop-client ready` (the same check as
    /// `make up`); on timeout throws with the client's answer and the tail of each service's log.
    public func waitUntilReady(_ executables: [String], timeout: Duration = .seconds(90)) async throws {
        let seconds = max(1, Int(timeout.components.seconds))
        let arguments = ["ready", "--timeout", String(seconds)] + executables.flatMap { ["--service", $0] }
        let client = try ManagedProcess(
            executable: binDirectory + "/ordershop-client", arguments: arguments, environment: environment,
            logPath: logDirectory + "/ordershop-client.log")
        guard await client.waitForExit(timeout: timeout + .seconds(30)) else {
            client.send(SIGKILL)
            throw TestSupportError("ordershop-client ready did not return")
        }
        guard client.terminationStatus == 0 else {
            var report = "services not ready within \(timeout):\n\(client.logTail(lines: 12))"
            for executable in executables {
                let exited = isRunning(executable) ? "" : " (exited)"
                report += "\n--- \(executable)\(exited), \(logPath(of: executable)):\n"
                report += processes.withLock { $0[executable]?.logTail(lines: 8) } ?? ""
            }
            throw TestSupportError(report)
        }
    }

    private func launch(_ executable: String) throws {
        guard let port = ports[executable] else { throw TestSupportError("\(executable) is not part of this stack") }
        try processes.withLock { processes in
            if let existing = processes[executable], existing.isRunning {
                throw TestSupportError("\(executable) is already running (pid \(existing.pid))")
            }
            var environment = self.environment
            environment["PORT"] = String(port)
            processes[executable] = try ManagedProcess(
                executable: binDirectory + "/" + executable, environment: environment, logPath: logPath(of: executable))
        }
    }

    /// `ORDERSHOP_BIN_DIR` (set by `make test`), else the directory of the running test bundle (it sits next to
    /// the executables), else `.build/debug` of the package this file belongs to.
    public static func locateBinDirectory(containing executable: String) throws -> String {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["ORDERSHOP_BIN_DIR"], !configured.isEmpty {
            candidates.append(configured)
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        candidates.append(runner.deletingLastPathComponent().path)
        candidates.append(runner.deletingLastPathComponent().deletingLastPathComponent().path)
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug").path)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate + "/" + executable) {
            return candidate
        }
        throw TestSupportError("cannot find the \(executable) executable (looked in \(candidates)); run swift build or set ORDERSHOP_BIN_DIR")
    }
}

/// Starts `executables` (see ``ServiceStack``), runs `body`, and stops every process whatever happens; the logs
/// are deleted after a success and kept (their paths are in the error) after a failure. A stack with archive-service
/// and no `DATABASE_URL` gets a fresh database of the shared private PostgreSQL cluster.
public func withServiceStack<T: Sendable>(
    _ executables: [String], environment: [String: String], binDirectory: String? = nil,
    readyTimeout: Duration = .seconds(90), _ body: (ServiceStack) async throws -> T
) async throws -> T {
    var environment = environment
    if executables.contains("archive-service"), environment["DATABASE_URL"] == nil {
        // archive-service is ready only with its PostgreSQL: give it a database of the shared private cluster.
        environment["DATABASE_URL"] = try await PostgresTestServer.shared().createDatabase(prefix: "stack")
    }
    let stack = try ServiceStack(executables: executables, environment: environment, binDirectory: binDirectory)
    do {
        try await stack.startAll(readyTimeout: readyTimeout)
        let result = try await body(stack)
        await stack.shutdown()
        try? FileManager.default.removeItem(atPath: stack.logDirectory)
        return result
    } catch {
        await stack.shutdown()
        throw error
    }
}
