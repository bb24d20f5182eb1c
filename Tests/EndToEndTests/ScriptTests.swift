#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ShopDomain
import ShopService
import ShopTestSupport
import Testing

/// `make up` and `make down` as a newcomer runs them, on the executables `make test` built (ORDERSHOP_BIN_DIR, so
/// nothing is built again), with `.run/` in a temporary directory and every service on a free port.
@Suite("make up and make down", .serialized)
struct ScriptTests {
    /// What a failed `make up` may take once its build is done (the issue's bound).
    static let failFast: Duration = .seconds(10)

    @Test("a foreign program on a service's port: make up fails within 10 s, naming the port and the program's pid")
    func foreignListener() async throws {
        let stack = try LocalStack(redisURL: "redis://127.0.0.1:\(try freePort())", databaseURL: "postgres://postgres@127.0.0.1:1/ordershop")
        defer { stack.remove() }
        let port = try #require(stack.port(of: .inventory))
        let squatter = try LoopbackSocket()
        try squatter.bindToPort(port)
        #expect(listen(squatter.descriptor, 8) == 0)

        let up = try await stack.make("up")
        #expect(up.status != 0)
        #expect(up.elapsed < Self.failFast, "make up took \(up.elapsed) to fail")
        #expect(up.output.contains("port \(port), which inventory-service needs, is taken by"), "\(up.output)")
        // The holder named with its pid: this test's socket, or (tests run in parallel and free ports are found, not
        // reserved) another test's server that took the port first, which make up must name the same way.
        #expect(up.output.contains("pid \(getpid())") || up.output.range(of: #"is taken by .+ \(pid [0-9]+"#, options: .regularExpression) != nil,
                "the holder is named: \(up.output)")
        #expect(!up.output.contains("started "), "nothing is started: \(up.output)")
    }

    @Test("LOG_LEVEL=loud: make up (and make start) fail within 10 s with the service's configuration message and leave nothing running")
    func badSetting() async throws {
        let stack = try LocalStack(redisURL: "redis://127.0.0.1:\(try freePort())", databaseURL: "postgres://postgres@127.0.0.1:1/ordershop",
                                   extra: ["LOG_LEVEL": "loud"])
        defer { stack.remove() }
        let up = try await stack.make("up")
        #expect(up.status != 0)
        #expect(up.elapsed < Self.failFast, "make up took \(up.elapsed) to fail")
        #expect(up.output.contains("exited with status 78 before it was ready"), "\(up.output)")
        #expect(up.output.contains(#"LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, got "loud""#), "\(up.output)")
        #expect(stack.runningPIDs().isEmpty, "left running: \(stack.runningPIDs())")

        let start = try await stack.make("start", "SERVICE=crm-service")
        #expect(start.status != 0)
        #expect(start.output.contains("crm-service (pid"), "\(start.output)")
        #expect(start.output.contains("exited with status 78 before it was ready"), "make start watches too: \(start.output)")
        #expect(stack.runningPIDs().isEmpty)
    }

    @Test("a Redis that cannot start (a broken AOF): make up fails within 10 s with redis-server's exit status and last log lines")
    func redisCannotStart() async throws {
        let stack = try LocalStack(databaseURL: "postgres://postgres@127.0.0.1:1/ordershop", extra: ["ORDERSHOP_REDIS_PORT": "\(try freePort())"])
        defer { stack.remove() }
        let manifest = stack.runDirectory + "/redis/appendonlydir"
        try FileManager.default.createDirectory(atPath: manifest, withIntermediateDirectories: true)
        try "not a manifest\n".write(toFile: manifest + "/appendonly.aof.manifest", atomically: true, encoding: .utf8)

        let up = try await stack.make("up")
        #expect(up.status != 0)
        #expect(up.elapsed < Self.failFast, "make up took \(up.elapsed) to fail")
        #expect(up.output.contains("redis-server (pid"), "\(up.output)")
        #expect(up.output.contains("exited with status 1 before it was ready"), "\(up.output)")
        #expect(up.output.contains("Invalid AOF manifest file format"), "Redis's own reason: \(up.output)")
        #expect(!up.output.contains("started customer-service"), "no service starts without Redis: \(up.output)")
    }

    @Test("a PostgreSQL data directory of another version: make up fails within 10 s with PostgreSQL's reason and stops the Redis it started")
    func postgresCannotStart() async throws {
        let stack = try LocalStack(extra: ["ORDERSHOP_REDIS_PORT": "\(try freePort())", "ORDERSHOP_PG_PORT": "\(try freePort())"])
        defer { stack.remove() }
        let data = stack.runDirectory + "/pg"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "11\n".write(toFile: data + "/PG_VERSION", atomically: true, encoding: .utf8)
        try "".write(toFile: data + "/postgresql.conf", atomically: true, encoding: .utf8)
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o700]
        if getuid() == 0 { attributes[.ownerAccountName] = "postgres" }   // as root the scripts run PostgreSQL as postgres
        for path in [data, data + "/PG_VERSION", data + "/postgresql.conf"] {
            try FileManager.default.setAttributes(attributes, ofItemAtPath: path)
        }

        let up = try await stack.make("up")
        #expect(up.status != 0)
        #expect(up.elapsed < Self.failFast, "make up took \(up.elapsed) to fail")
        #expect(up.output.contains("PostgreSQL did not start"), "\(up.output)")
        #expect(up.output.contains("initialized by PostgreSQL version 11"), "PostgreSQL's own reason: \(up.output)")
        #expect(up.output.contains("started redis-server"), "\(up.output)")
        #expect(stack.runningPIDs().isEmpty, "the Redis this make up started is stopped again: \(stack.runningPIDs())")
    }

    @Test("a stale pid file does not stop make up; a second make up finds the stack running, another stack's is refused; make down stops all nine at once")
    func stalePIDFileUpAndDown() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.stop() }
        let database = try await PostgresTestServer.shared().createDatabase(prefix: "makeup")
        let stack = try LocalStack(redisURL: redis.url, databaseURL: database)
        defer { stack.remove() }
        try stack.writePIDFile(of: "customer-service", pid: try Self.pidOfAnExitedProcess())

        let up = try await stack.make("up")
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("removing the stale pid file"), "\(up.output)")
        #expect(up.output.contains("OrderShop is up"), "\(up.output)")
        #expect(stack.runningPIDs().count == 9)

        // No ADMIN_TOKEN given: make up made one in .run/admin-token, said where, and the gateway takes it.
        let tokenFile = stack.runDirectory + "/admin-token"
        #expect(up.output.contains("created an admin token") && up.output.contains("admin-token"), "\(up.output)")
        let token = try String(contentsOfFile: tokenFile, encoding: .utf8)
        #expect(token.count == 48 && token.allSatisfy(\.isHexDigit), "\(token)")
        let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "only its owner reads the token")
        let replay = "http://127.0.0.1:\(try #require(stack.port(of: .gateway)))/deadletters/replay"
        #expect(try Self.curlStatus(replay, headers: ["Authorization: Bearer \(token)"]) == 200)
        #expect(try Self.curlStatus(replay, headers: []) == 401)

        let again = try await stack.make("up")
        #expect(again.status == 0, "a second make up of the same stack: \(again.output)")
        #expect(again.output.contains("customer-service is already running"))

        let other = try LocalStack(sharingPortsWith: stack)
        defer { other.remove() }
        let refused = try await other.make("up")
        #expect(refused.status != 0)
        #expect(refused.output.contains("of the OrderShop stack of the checkout"), "\(refused.output)")
        #expect(refused.output.contains("run make down there first"), "\(refused.output)")

        let down = try await stack.make("down")
        #expect(down.status == 0, "\(down.output)")
        #expect(stack.runningPIDs().isEmpty)
        #expect(down.elapsed < .seconds(10), "make down took \(down.elapsed)")
        print("make down of an idle stack (nine services, external Redis and PostgreSQL): \(down.elapsed)")
    }

    @Test("make up REDIS=cluster INSTANCES=2: a 3+3 cluster, two of each service behind HAProxy; status shows roles; an instance killed -9 is skipped; stop one instance; down stops all",
          .disabled(if: TestRedis.clusterRequested, "starts its own cluster: once per make test is enough"))
    func clusterWithTwoInstances() async throws {
        let database = try await PostgresTestServer.shared().createDatabase(prefix: "makeupcluster")
        // Below the kernel's ephemeral ports (32768 up), where outgoing connections would take them meanwhile.
        var extra = ["ORDERSHOP_REDIS_CLUSTER_PORT": String(try Self.freePortBlock(6, alsoFree: [10_000], in: 20_000...22_000))]
        for service in ServiceName.allCases {
            extra[service.urlVariable] = "http://127.0.0.1:\(try Self.freePortBlock(1, alsoFree: [100, 200], in: 23_000...32_000))"
        }
        let stack = try LocalStack(databaseURL: database, extra: extra)
        defer { stack.remove() }
        let up = try await stack.make("up", "REDIS=cluster", "INSTANCES=2")
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("cluster_state:ok on every node"), "\(up.output)")
        #expect(up.output.contains("started haproxy"), "\(up.output)")
        #expect(stack.runningPIDs().count == 6 + 18 + 1, "six nodes, two of each of the nine, haproxy")

        let status = try await stack.make("status")
        let lines = status.output.split(separator: "\n")
        #expect(lines.filter { $0.contains("primary, slots") }.count == 3, "\(status.output)")
        #expect(lines.filter { $0.contains("replica of 127.0.0.1:") }.count == 3, "\(status.output)")
        #expect(lines.filter { $0.contains("-2 ") && $0.contains("/ready: {\"status\":\"ready\"}") }.count == 9, "\(status.output)")

        // Through HAProxy on the gateway's port, with one customer-service killed: every POST is answered 200.
        let gateway = "http://127.0.0.1:\(try #require(stack.port(of: .gateway)))"
        let victim = try String(contentsOfFile: stack.runDirectory + "/pids/customer-service-1.pid", encoding: .utf8)
        kill(try #require(Int32(victim.trimmingCharacters(in: .whitespacesAndNewlines))), SIGKILL)
        // A POST already on its way to the killed instance may fail (it is never sent to another); a second later
        // the dead instance is skipped.
        try await Task.sleep(for: .seconds(1))
        var statuses: [Int] = []
        for index in 0..<10 {
            let body = #"{"name":"n","email":"c\#(index)@example.org"}"#
            statuses.append(try Self.curlStatus(gateway + "/customers", headers: ["Content-Type: application/json"], body: body))
        }
        #expect(statuses == Array(repeating: 200, count: 10))

        let stop = try await stack.make("stop", "SERVICE=crm-service-2")
        #expect(stop.status == 0 && stop.output.contains("stopped crm-service-2") && !stop.output.contains("crm-service-1"), "\(stop.output)")
        let down = try await stack.make("down")
        #expect(down.status == 0, "\(down.output)")
        #expect(down.output.contains("stopped the Redis Cluster (6 nodes)"), "\(down.output)")
        #expect(stack.runningPIDs().isEmpty)
    }

    /// The first of `count` consecutive free ports whose ports `offset` above are free too.
    static func freePortBlock(_ count: Int, alsoFree offsets: [Int], in range: ClosedRange<Int>) throws -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: range)
            let ports = (0..<count).flatMap { index in ([0] + offsets).map { base + index + $0 } }
            let free = ports.allSatisfy { port in
                guard let socket = try? LoopbackSocket() else { return false }
                return (try? socket.bindToPort(port)) != nil
            }
            if free { return base }
        }
        throw TestSupportError("no block of \(count) free ports")
    }

    /// The status of a POST to `url` (curl, which make up installs).
    static func curlStatus(_ url: String, headers: [String], body: String? = nil) throws -> Int {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST"] + headers.flatMap { ["-H", $0] } + (body.map { ["--data", $0] } ?? []) + [url]
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        return Int(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) ?? 0
    }

    /// The pid of a process that has exited (what a pid file names after a crash or a reboot).
    static func pidOfAnExitedProcess() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}

/// One local stack of the scripts: its own `.run/` directory and ports, Redis and PostgreSQL given by URL.
struct LocalStack {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let runDirectory: String
    let environment: [String: String]

    /// Without `redisURL` (or `databaseURL`) make up starts its own, on the port `ORDERSHOP_REDIS_PORT` (`ORDERSHOP_PG_PORT`)
    /// in `extra` names.
    init(redisURL: String? = nil, databaseURL: String? = nil, extra: [String: String] = [:]) throws {
        var variables: [String: String] = [:]
        for service in ServiceName.allCases { variables[service.urlVariable] = "http://127.0.0.1:\(try freePort())" }
        variables["REDIS_URL"] = redisURL
        variables["DATABASE_URL"] = databaseURL
        try self.init(variables: variables.merging(extra) { $1 })
    }

    /// Another stack (another `.run/`) on the same ports, as a second checkout would be.
    init(sharingPortsWith other: LocalStack) throws {
        var variables: [String: String] = [:]
        for name in ServiceName.allCases.map(\.urlVariable) + ["REDIS_URL", "DATABASE_URL"] { variables[name] = other.environment[name] }
        try self.init(variables: variables)
    }

    private init(variables: [String: String]) throws {
        runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ordershop-run-\(UUID().uuidString.prefix(8))").path
        var environment = ProcessInfo.processInfo.environment
        // A make inside `make test` must not join its jobserver; the stack's settings are only those given here.
        for name in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "REDIS_URL", "DATABASE_URL", "LOG_LEVEL", "ADMIN_TOKEN"] { environment[name] = nil }
        environment["ORDERSHOP_RUN_DIR"] = runDirectory
        environment["ORDERSHOP_BIN_DIR"] = try ServiceStack.locateBinDirectory(containing: "gateway-api")
        environment["READY_TIMEOUT"] = "90"
        environment.merge(variables) { $1 }
        self.environment = environment
    }

    func port(of service: ServiceName) -> Int? {
        environment[service.urlVariable].flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
    }

    /// Runs `make <target> [variables]` in the checkout; its exit status, output and duration.
    func make(_ target: String, _ variables: String...) async throws -> (status: Int32, output: String, elapsed: Duration) {
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        let log = runDirectory + "/make-\(target)-\(UUID().uuidString.prefix(4)).log"
        let start = ContinuousClock.now
        let process = try ManagedProcess(executable: "/usr/bin/env", arguments: ["make", "-s", "-C", Self.root, target] + variables,
                                         environment: environment, logPath: log)
        guard await process.waitForExit(timeout: .seconds(180)) else {
            process.send(SIGKILL)
            throw TestSupportError("make \(target) did not return: \(process.logTail(lines: 40))")
        }
        return (process.terminationStatus ?? -1, process.logTail(lines: 200), ContinuousClock.now - start)
    }

    func writePIDFile(of executable: String, pid: Int32) throws {
        try FileManager.default.createDirectory(atPath: runDirectory + "/pids", withIntermediateDirectories: true)
        try "\(pid)\n".write(toFile: runDirectory + "/pids/\(executable).pid", atomically: true, encoding: .utf8)
    }

    /// The pids of the stack's pid files whose process still runs.
    func runningPIDs() -> [Int32] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory + "/pids")) ?? []
        return files.compactMap { file in
            let text = (try? String(contentsOfFile: runDirectory + "/pids/" + file, encoding: .utf8)) ?? ""
            guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0 else { return nil }
            return pid
        }
    }

    /// Stops whatever still runs (make down, then SIGKILL to what is left) and deletes the run directory.
    func remove() {
        for pid in runningPIDs() { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(20)
        while !runningPIDs().isEmpty, Date() < deadline { usleep(20_000) }
        for pid in runningPIDs() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: runDirectory)
    }
}
