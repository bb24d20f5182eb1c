#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A private Redis Cluster for tests: `masters` primaries with `replicasPerMaster` replicas each, every node a
/// `redis-server --cluster-enabled yes` on its own free port (and bus port) and temporary directory, created with
/// `redis-cli --cluster create` and ready (`cluster_state:ok` on every node) when `start` returns.
///
/// ```swift
/// let cluster = try await RedisClusterTestServer.start()
/// defer { cluster.stop() }
/// let client = RedisClient(configuration: try RedisConfiguration(url: cluster.url), logger: logger)
/// ```
public final class RedisClusterTestServer: Sendable {
    /// Every node, primaries first as created (roles change after a failover: see `primaryPort(forSlot:)`).
    public let nodes: [RedisTestServer]

    /// `redis://127.0.0.1:p1,127.0.0.1:p2,…`: every node as a seed.
    public var url: String { "redis://" + nodes.map { "127.0.0.1:\($0.port)" }.joined(separator: ",") }

    private init(nodes: [RedisTestServer]) {
        self.nodes = nodes
    }

    /// Starts the nodes, creates the cluster and waits until every node reports `cluster_state:ok` and every
    /// replica is in sync with its primary. `nodeTimeoutMilliseconds` is `cluster-node-timeout`: a failover starts after it.
    public static func start(masters: Int = 3, replicasPerMaster: Int = 1, nodeTimeoutMilliseconds: Int = 1000) async throws -> RedisClusterTestServer {
        var nodes: [RedisTestServer] = []
        do {
            for _ in 0..<(masters * (1 + replicasPerMaster)) {
                nodes.append(try await startNode(nodeTimeoutMilliseconds: nodeTimeoutMilliseconds))
            }
            let cluster = RedisClusterTestServer(nodes: nodes)
            try await cluster.create(replicasPerMaster: replicasPerMaster)
            try await cluster.waitUntilHealthy(timeout: .seconds(60))
            return cluster
        } catch {
            for node in nodes { node.stop() }
            throw error
        }
    }

    /// One node; a new bus port on each try, since another process may take the one picked before the node binds it.
    private static func startNode(nodeTimeoutMilliseconds: Int) async throws -> RedisTestServer {
        var lastError: any Error = TestSupportError("redis-server did not start")
        for _ in 0..<5 {
            let options = RedisTestServer.Options(extraArguments: [
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-port", String(try freePort()),
                "--cluster-node-timeout", String(nodeTimeoutMilliseconds),
                // A test cluster serves what it can while a shard is down, so a failover test sees the other slots work.
                "--cluster-require-full-coverage", "no",
            ])
            do {
                return try await RedisTestServer.start(options)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private func create(replicasPerMaster: Int) async throws {
        let candidates = ["/usr/bin/redis-cli", "/usr/local/bin/redis-cli", "/opt/homebrew/bin/redis-cli"]
        guard let cli = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSupportError("redis-cli not found; install redis-server (make test does)")
        }
        let log = nodes[0].directory + "/cluster-create.log"
        let process = try ManagedProcess(
            executable: cli,
            arguments: ["--cluster", "create"] + nodes.map { "127.0.0.1:\($0.port)" }
                + ["--cluster-replicas", String(replicasPerMaster), "--cluster-yes"],
            environment: ProcessInfo.processInfo.environment, logPath: log)
        guard await process.waitForExit(timeout: .seconds(60)) else {
            await process.stop(signal: SIGKILL)
            throw TestSupportError("redis-cli --cluster create did not finish within 60 s: \(process.logTail())")
        }
        guard process.terminationStatus == 0 else {
            throw TestSupportError("redis-cli --cluster create failed (\(process.terminationStatus ?? -1)): \(process.logTail())")
        }
    }

    /// Waits until every running node says `cluster_state:ok` and every running replica's link to its primary is up.
    public func waitUntilHealthy(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            let running = nodes.filter(\.isRunning)
            let states = running.map { node -> String in
                let info = Self.query(port: node.port, "CLUSTER INFO") ?? ""
                let replication = Self.query(port: node.port, "INFO replication") ?? ""
                let ok = info.contains("cluster_state:ok")
                    && (!replication.contains("role:slave") || replication.contains("master_link_status:up"))
                return ok ? "ok" : "\(node.port): " + (info.split(separator: "\r\n").first.map(String.init) ?? "no answer")
            }
            if states.allSatisfy({ $0 == "ok" }) { return }
            last = states.filter { $0 != "ok" }.joined(separator: "; ")
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("the test cluster did not become healthy within \(timeout): \(last)")
    }

    /// The port of the node that serves `slot` as a primary now, as the running nodes see it (`CLUSTER NODES`).
    public func primaryPort(forSlot slot: Int) -> Int? {
        for node in nodes where node.isRunning {
            guard let text = Self.query(port: node.port, "CLUSTER NODES") else { continue }
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count >= 8, fields[2].contains("master"), !fields[2].contains("fail") else { continue }
                let serves = fields.dropFirst(8).contains { range in
                    let bounds = range.split(separator: "-").compactMap { Int($0) }
                    return bounds.count == 2 ? (bounds[0]...bounds[1]).contains(slot) : bounds.first == slot
                }
                if serves, let port = fields[1].split(separator: "@").first?.split(separator: ":").last.flatMap({ Int($0) }) {
                    return port
                }
            }
            return nil
        }
        return nil
    }

    /// The port of a running replica of the primary on `primaryPort` whose link to it is up (`INFO replication`).
    public func replicaPort(of primaryPort: Int) -> Int? {
        for node in nodes where node.isRunning && node.port != primaryPort {
            guard let info = Self.query(port: node.port, "INFO replication") else { continue }
            let lines = info.split(separator: "\r\n").map { $0.trimmingCharacters(in: .whitespaces) }
            if lines.contains("role:slave"), lines.contains("master_port:\(primaryPort)"), lines.contains("master_link_status:up") {
                return node.port
            }
        }
        return nil
    }

    /// The node listening on `port`.
    public func node(port: Int) -> RedisTestServer? {
        nodes.first { $0.port == port }
    }

    /// Stops every node and removes their directories.
    public func stop() {
        for node in nodes { node.stop() }
    }

    /// Sends one inline command on a fresh connection; the reply's text (a bulk or simple string), nil on failure.
    /// Blocking, with a one-second receive timeout: a probe, not a client.
    /// With `readOnly`, `READONLY` goes first, so a replica answers a command on a key it holds.
    public static func query(port: Int, _ command: String, readOnly: Bool = false) -> String? {
        guard let socket = try? LoopbackSocket(receiveTimeout: 1), (try? socket.connectToPort(port)) != nil else { return nil }
        if readOnly {
            let request = Array("READONLY\r\n".utf8)
            var reply = [UInt8](repeating: 0, count: 5)
            guard write(socket.descriptor, request, request.count) == request.count, read(socket.descriptor, &reply, 5) == 5,
                  reply == Array("+OK\r\n".utf8) else { return nil }
        }
        let request = Array((command + "\r\n").utf8)
        guard write(socket.descriptor, request, request.count) == request.count else { return nil }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = read(socket.descriptor, &chunk, chunk.count)
            guard count > 0 else { return nil }
            received += chunk[0..<count]
            guard let newline = received.firstIndex(of: 10) else { continue }
            let header = String(decoding: received[0..<newline], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if header.hasPrefix("+") || header.hasPrefix("-") || header.hasPrefix(":") { return String(header.dropFirst()) }
            guard header.hasPrefix("$"), let length = Int(header.dropFirst()), length >= 0 else { return nil }
            if received.count >= newline + 1 + length {
                return String(decoding: received[(newline + 1)..<(newline + 1 + length)], as: UTF8.self)
            }
        }
    }
}
