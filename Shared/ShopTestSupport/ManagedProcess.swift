#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A child process of a test whose output goes to a log file; it can be signalled and awaited without blocking.
public final class ManagedProcess: Sendable {
    /// The executable's file name, e.g. `crm-service`.
    public let name: String
    public let pid: Int32
    /// Where standard output and standard error go (appended).
    public let logPath: String
    private let exitRecord: ExitRecord
    // Kept so the termination handler stays registered for the child's whole life.
    private let process: Process

    /// Starts `executable` with exactly `environment`, its output appended to `logPath`.
    public init(executable: String, arguments: [String] = [], environment: [String: String], logPath: String) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestSupportError("\(executable) is not an executable file (build first: swift build)")
        }
        if !FileManager.default.fileExists(atPath: logPath) {
            guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
                throw TestSupportError("cannot create \(logPath)")
            }
        }
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw TestSupportError("cannot open \(logPath) for writing")
        }
        defer { try? log.close() }  // the child has its own descriptor
        log.seekToEndOfFile()

        let exitRecord = ExitRecord()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            exitRecord.status.withLock { $0 = status }
        }
        try process.run()
        self.name = URL(fileURLWithPath: executable).lastPathComponent
        self.pid = process.processIdentifier
        self.logPath = logPath
        self.exitRecord = exitRecord
        self.process = process
    }

    /// Whether the process has not exited yet.
    public var isRunning: Bool { exitRecord.status.withLock { $0 == nil } }

    /// The exit status (or the signal that ended it), once it has exited.
    public var terminationStatus: Int32? { exitRecord.status.withLock { $0 } }

    /// Sends `signal` (SIGTERM, SIGKILL, …) unless the process has already exited.
    public func send(_ signal: Int32) {
        guard isRunning else { return }
        _ = kill(pid, signal)
    }

    /// Waits until the process has exited; false when it still runs after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// `signal` (SIGTERM by default), then SIGKILL when it has not exited within `grace`; returns once it has exited.
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(20)) async {
        send(signal)
        if await waitForExit(timeout: grace) { return }
        send(SIGKILL)
        await waitForExit(timeout: .seconds(30))
    }

    /// The last `lines` lines of the log, for error messages.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// The exit status a process's termination handler records, shared with the waiting side.
private final class ExitRecord: Sendable {
    let status = Mutex<Int32?>(nil)
}
