#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A private `redis-server` for tests: its own free port and temporary directory, stopped (and the
/// directory removed) by `stop()`; it can be killed and restarted on the same port to test recovery.
///
/// ```swift
/// let server = try await RedisTestServer.start()
/// defer { server.stop() }
/// let client = RedisClient(configuration: try RedisConfiguration(url: server.url), logger: logger)
/// ```
public final class RedisTestServer: Sendable {
    /// What to start the server with.
    public struct Options: Sendable {
        /// Turn on the append-only file (`appendfsync always`), so data survives a restart.
        public var appendOnly = false
        /// Contents of an ACL file (e.g. `user default on nopass ~* &* +@all`), written into the directory.
        public var aclFile: String?
        /// `requirepass` for the default user.
        public var password: String?
        /// More `--name value` arguments, passed as they are.
        public var extraArguments: [String] = []

        public init(appendOnly: Bool = false, aclFile: String? = nil, password: String? = nil, extraArguments: [String] = []) {
            self.appendOnly = appendOnly
            self.aclFile = aclFile
            self.password = password
            self.extraArguments = extraArguments
        }
    }

    /// The port it listens on (127.0.0.1), the same across restarts.
    public let port: Int
    /// Its temporary directory (data, AOF, ACL file, log).
    public let directory: String
    /// The options it was started with.
    public let options: Options
    private let pid = Mutex<pid_t?>(nil)

    /// `redis://127.0.0.1:port` (no credentials).
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// The server's log file, useful when a test fails.
    public var logFile: String { directory + "/redis.log" }

    private init(port: Int, directory: String, options: Options) {
        self.port = port
        self.directory = directory
        self.options = options
    }

    deinit {
        // A test that forgot stop() must not leave a server behind.
        if let pid = pid.withLock({ $0 }) {
            sendSignal(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// Starts a server on a free port and waits until it answers; retries on another port if the one picked was
    /// taken meanwhile by a parallel test.
    public static func start(_ options: Options = Options()) async throws -> RedisTestServer {
        var lastError: any Error = TestSupportError("redis-server did not start")
        for _ in 0..<5 {
            var template = Array((NSTemporaryDirectory() + "/shop-redis-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { throw TestSupportError("mkdtemp failed: errno \(errno)") }
            let directory = String(cString: made)
            if let acl = options.aclFile {
                try acl.write(toFile: directory + "/users.acl", atomically: true, encoding: .utf8)
            }
            let server = RedisTestServer(port: try freePort(), directory: directory, options: options)
            do {
                try await server.launch()
                return server
            } catch {
                server.stop()
                lastError = error
            }
        }
        throw lastError
    }

    /// True while the process runs.
    public var isRunning: Bool { pid.withLock { $0 != nil } }

    /// Starts the server again on the same port and directory (after `kill()` or `shutdown()`).
    public func restart() async throws {
        await shutdown()
        try await launch()
    }

    /// Kills the server with SIGKILL, as a crash would (nothing is flushed beyond what AOF already wrote).
    public func kill() {
        terminate(signal: SIGKILL)
    }

    /// Freezes the server (SIGSTOP): it keeps its connections and answers nothing until `resume()`, as a stalled
    /// machine would; a replica frozen so acknowledges no write.
    public func suspend() {
        if let child = pid.withLock({ $0 }) { sendSignal(child, SIGSTOP) }
    }

    /// Lets a server frozen by `suspend()` run again (SIGCONT).
    public func resume() {
        if let child = pid.withLock({ $0 }) { sendSignal(child, SIGCONT) }
    }

    /// Stops the server gracefully (SIGTERM) and waits for it to exit (SIGKILL after 10 s); the directory stays.
    public func shutdown() async {
        guard let child = pid.withLock({ $0 }) else { return }
        sendSignal(child, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            if waitpid(child, &status, WNOHANG) == child {
                pid.withLock { $0 = nil }
                return
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        terminate(signal: SIGKILL)
    }

    /// Stops the server and removes its directory.
    public func stop() {
        terminate(signal: SIGKILL)
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func arguments() -> [String] {
        var arguments = [
            "redis-server",
            "--port", String(port), "--bind", "127.0.0.1", "--dir", directory,
            "--logfile", logFile, "--daemonize", "no", "--save", "", "--protected-mode", "no",
            "--enable-debug-command", "local",
            "--appendonly", options.appendOnly ? "yes" : "no",
        ]
        if options.appendOnly { arguments += ["--appendfsync", "always"] }
        if options.aclFile != nil { arguments += ["--aclfile", directory + "/users.acl"] }
        if let password = options.password { arguments += ["--requirepass", password] }
        return arguments + options.extraArguments
    }

    private func launch() async throws {
        let candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server"]
        let executable = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let executable else { throw TestSupportError("redis-server not found; install it (make test does)") }
        let argv = arguments().map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The spawning thread may block signals (Dispatch's workers do) and a child inherits that mask:
        // reset it, or SIGTERM would stay pending forever and a graceful shutdown would never end.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // A restart appends to the same log: only what this launch writes counts.
        let logOffset = FileManager.default.contents(atPath: logFile)?.count ?? 0
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, nil, &attributes, argv, environ)
        guard spawned == 0 else { throw TestSupportError("posix_spawn redis-server failed: \(spawned)") }
        pid.withLock { $0 = child }
        try await waitUntilReady(logOffset: logOffset)
    }

    /// Polls until the server accepts a connection and answers; fails if it exits or cannot bind its port.
    private func waitUntilReady(logOffset: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let child = pid.withLock({ $0 }) {
                var status: Int32 = 0
                if waitpid(child, &status, WNOHANG) == child {
                    pid.withLock { $0 = nil }
                    let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
                    throw TestSupportError("redis-server exited at start (status \(status)): \(log.suffix(800))")
                }
            }
            // The log is this server's own: a PING answer alone could come from whoever took the port meanwhile.
            let logged = FileManager.default.contents(atPath: logFile) ?? Data()
            let log = String(decoding: logged.dropFirst(logOffset), as: UTF8.self)
            if log.contains("Could not create server TCP listening socket") {
                throw TestSupportError("redis-server could not listen on port \(port) (taken meanwhile): \(log.suffix(400))")
            }
            // Bound and loaded (our log says so), and answering (even NOAUTH counts).
            if log.contains("Ready to accept connections"), let reply = probe(), !reply.hasPrefix("-LOADING") { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("redis-server on port \(port) did not become ready within 20 s")
    }

    /// Sends PING on a fresh socket; the first reply line, or nil when nobody answers.
    private func probe() -> String? {
        guard let socket = try? LoopbackSocket(receiveTimeout: 1), (try? socket.connectToPort(port)) != nil else { return nil }
        let ping = Array("PING\r\n".utf8)
        guard write(socket.descriptor, ping, ping.count) == ping.count else { return nil }
        var reply = [UInt8](repeating: 0, count: 256)
        let count = read(socket.descriptor, &reply, reply.count)
        guard count > 0 else { return nil }
        return String(decoding: reply[0..<count], as: UTF8.self)
    }

    private func terminate(signal: Int32) {
        guard let child = pid.withLock({ pid in defer { pid = nil }; return pid }) else { return }
        sendSignal(child, signal)
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    }
}

/// The C `kill`, named apart from `RedisTestServer.kill()`.
private func sendSignal(_ pid: pid_t, _ signal: Int32) {
    _ = kill(pid, signal)
}
