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
///
/// With `instances` above 1 (`SHOP_TEST_INSTANCES=2` in the environment, as `make test`'s cluster pass sets) every
/// executable runs that many times, as `make up INSTANCES=N` does: instance 1 is named after the executable, the
/// others `<executable>-<k>`, each on its own port and log, and every `<EXECUTABLE>_URL` lists all instances. The
/// methods that take an executable (`stop`, `kill`, `start`, `isRunning`, `log(of:)`) act on all its instances; given
/// an instance's name (`crm-service-2`) they act on that one; `port(of:)` and `url(of:)` name the first instance.
public final class ServiceStack: Sendable {
    /// Where the executables come from.
    public let binDirectory: String
    /// A fresh temporary directory holding `<executable>.log` for each process.
    public let logDirectory: String
    /// The executables of this stack, in start order.
    public let executables: [String]
    /// How many instances of each executable run.
    public let instances: Int
    /// What every service (and `ordershop-client`) runs with: the caller's variables, `PORT` aside, plus
    /// `HOST` and the `<EXECUTABLE>_URL` of every service (`CRM_SERVICE_URL`, `GATEWAY_API_URL`, …).
    public let environment: [String: String]
    private let ports: [String: Int]
    private let processes = Mutex<[String: ManagedProcess]>([:])

    /// The variable naming where `executable` listens (the rule of `ServiceName.urlVariable` in ShopDomain).
    public static func urlVariable(of executable: String) -> String {
        executable.uppercased().replacingOccurrences(of: "-", with: "_") + "_URL"
    }

    /// `SHOP_TEST_INSTANCES` (1 to 9), else 1: how many instances of each executable a stack runs by default.
    public static let defaultInstances: Int = {
        guard let text = ProcessInfo.processInfo.environment["SHOP_TEST_INSTANCES"], let count = Int(text), (1...9).contains(count) else { return 1 }
        return count
    }()

    /// The processes of `executable`: itself, then `<executable>-2` … (one name a running instance).
    public func instanceNames(of executable: String) -> [String] {
        [executable] + (1..<max(1, instances)).map { "\(executable)-\($0 + 1)" }
    }

    /// Prepares a stack (nothing runs yet): picks a free port for each process and a log directory.
    public init(executables: [String], environment: [String: String], binDirectory: String? = nil,
                instances: Int = ServiceStack.defaultInstances) throws {
        self.binDirectory = try binDirectory ?? Self.locateBinDirectory(containing: executables.first ?? "gateway-api")
        self.executables = executables
        self.instances = max(1, instances)
        var ports: [String: Int] = [:]
        var merged = ProcessInfo.processInfo.environment
        merged["HOST"] = "127.0.0.1"
        merged["LOG_LEVEL"] = "info"
        for executable in executables {
            let names = [executable] + (1..<max(1, instances)).map { "\(executable)-\($0 + 1)" }
            for name in names { ports[name] = try freePort() }
            merged[Self.urlVariable(of: executable)] = names.map { "http://127.0.0.1:\(ports[$0] ?? 0)" }.joined(separator: ",")
        }
        self.ports = ports
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

    /// The port `executable` (its first instance, or the instance named) listens on.
    public func port(of executable: String) -> Int { ports[executable] ?? 0 }

    /// The base URLs of every instance of `executable`.
    public func urls(of executable: String) -> [String] { instanceNames(of: executable).map { url(of: $0) } }

    /// The processes a name means: every instance of an executable, or the one instance named.
    private func processNames(_ name: String) -> [String] {
        executables.contains(name) ? instanceNames(of: name) : [name]
    }

    /// The base URL of `executable`, e.g. `http://127.0.0.1:40123`.
    public func url(of executable: String) -> String { "http://127.0.0.1:\(port(of: executable))" }

    /// The log file of `executable` (appended across restarts).
    public func logPath(of executable: String) -> String { logDirectory + "/\(executable).log" }

    /// What `executable` has logged so far (every instance's log, one after the other).
    public func log(of executable: String) -> String {
        processNames(executable).map { (try? String(contentsOfFile: logPath(of: $0), encoding: .utf8)) ?? "" }.joined()
    }

    /// Whether `executable` is running (started and not exited): every instance of it.
    public func isRunning(_ executable: String) -> Bool {
        let names = processNames(executable)
        return processes.withLock { processes in names.allSatisfy { processes[$0]?.isRunning ?? false } }
    }

    /// How `executable` last exited (its status, or the signal that ended it); nil while it runs.
    public func exitStatus(of executable: String) -> Int32? {
        processes.withLock { $0[executable]?.terminationStatus }
    }

    /// Starts every executable (every instance), then waits until all answer `/ready`.
    public func startAll(readyTimeout: Duration = .seconds(90)) async throws {
        for executable in executables {
            for name in instanceNames(of: executable) { try launch(name) }
        }
        try await waitUntilReady(executables, timeout: readyTimeout)
    }

    /// Starts one (stopped) executable on its port again (every instance of it not running, or the instance
    /// named) and waits until it is ready.
    public func start(_ executable: String, readyTimeout: Duration = .seconds(60)) async throws {
        let names = processNames(executable)
        for name in names where !(processes.withLock { $0[name]?.isRunning ?? false }) { try launch(name) }
        try await waitUntilReady(names, timeout: readyTimeout)
    }

    /// Stops `executable` (every instance, or the instance named) gracefully (`signal`, SIGTERM by default; SIGKILL
    /// after `grace`) and waits until it has exited.
    public func stop(_ executable: String, signal: Int32 = SIGTERM, grace: Duration = .seconds(20)) async {
        let running = processNames(executable).compactMap { name in processes.withLock { $0[name] } }
        await withTaskGroup(of: Void.self) { group in
            for process in running { group.addTask { await process.stop(signal: signal, grace: grace) } }
        }
    }

    /// Kills `executable` (every instance, or the instance named) with SIGKILL (no shutdown at all) and waits until
    /// it has exited.
    public func kill(_ executable: String) async {
        for name in processNames(executable) {
            guard let process = processes.withLock({ $0[name] }) else { continue }
            process.send(SIGKILL)
            await process.waitForExit(timeout: .seconds(30))
        }
    }

    /// Stops every process (gracefully, all at once) and waits for them; the logs stay for inspection.
    public func shutdown() async {
        let running = processes.withLock { Array($0.values) }
        await withTaskGroup(of: Void.self) { group in
            for process in running { group.addTask { await process.stop(grace: .seconds(20)) } }
        }
    }

    /// Waits until each of `executables` (every instance; or the instances named) answers `/ready`, using
    /// `ordershop-client ready` (the same check as `make up`; once per instance); on timeout throws with the
    /// client's answer and the tail of each service's log.
    public func waitUntilReady(_ executables: [String], timeout: Duration = .seconds(90)) async throws {
        var byInstance: [Int: [(executable: String, name: String)]] = [:]
        for executable in executables {
            let owner = self.executables.first { executable == $0 || instanceNames(of: $0).contains(executable) } ?? executable
            for (index, name) in instanceNames(of: owner).enumerated() where executable == owner || executable == name {
                byInstance[index, default: []].append((owner, name))
            }
        }
        for index in byInstance.keys.sorted() {
            try await waitUntilReady(byInstance[index] ?? [], timeout: timeout)
        }
    }

    private func waitUntilReady(_ targets: [(executable: String, name: String)], timeout: Duration) async throws {
        let seconds = max(1, Int(timeout.components.seconds))
        let arguments = ["ready", "--timeout", String(seconds)] + targets.flatMap { ["--service", $0.executable] }
        var environment = self.environment
        for target in targets { environment[Self.urlVariable(of: target.executable)] = url(of: target.name) }
        let executables = targets.map(\.name)
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

    /// Starts the process `name` (an executable's first instance, or `<executable>-<k>`).
    private func launch(_ name: String) throws {
        guard let port = ports[name] else { throw TestSupportError("\(name) is not part of this stack") }
        let executable = executables.first { instanceNames(of: $0).contains(name) } ?? name
        try processes.withLock { processes in
            if let existing = processes[name], existing.isRunning {
                throw TestSupportError("\(name) is already running (pid \(existing.pid))")
            }
            var environment = self.environment
            environment["PORT"] = String(port)
            processes[name] = try ManagedProcess(
                executable: binDirectory + "/" + executable, environment: environment, logPath: logPath(of: name))
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
/// are deleted after a success and kept (their paths are in the error) after a failure. A log that mentions
/// `CROSSSLOT` fails the run. A stack with archive-service
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
        // On a cluster a command whose keys span hash slots is a bug: it must never reach Redis.
        let crossSlot = stack.executables.filter { stack.log(of: $0).contains("CROSSSLOT") }
        guard crossSlot.isEmpty else {
            throw TestSupportError("CROSSSLOT in the log of \(crossSlot.joined(separator: ", ")) (logs in \(stack.logDirectory))")
        }
        try? FileManager.default.removeItem(atPath: stack.logDirectory)
        return result
    } catch {
        await stack.shutdown()
        throw error
    }
}
