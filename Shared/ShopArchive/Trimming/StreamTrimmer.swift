import Logging
import ServiceLifecycle
import ShopBasics
import ShopDomain
import ShopEventStore
import ShopRedis

/// Trims every event stream periodically, only below what the archive group and every other group have
/// acknowledged and only entries older than the retention (see `TrimScript`); each trim leaves a report
/// that `/status` shows, naming what holds trimming back.
public struct StreamTrimmer: Service, Sendable {
    public let configuration: ArchiveConfiguration
    public let streams: [EventStreamID]
    let redis: any RedisCommandExecutor
    let logger: Logger

    /// A trimmer of `streams` (every topic's by default).
    public init(redis: any RedisCommandExecutor, configuration: ArchiveConfiguration = ArchiveConfiguration(),
                streams: [EventStreamID] = EventStreamID.all(of: Topic.allCases), logger: Logger) {
        self.redis = redis
        self.configuration = configuration
        self.streams = streams
        self.logger = logger
    }

    /// Trims every `trimInterval` until graceful shutdown or cancellation; a failed pass is logged and retried next time.
    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await trimOnce()
            } catch {
                if Task.isCancelled { return }
                logger.warning("trimming failed; retrying later", metadata: ["error.message": "\(error)"])
            }
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.trimInterval) } } catch { return }
        }
    }

    /// One pass over every stream; returns the reports it wrote.
    public func trimOnce() async throws -> [ArchiveTrimReport] {
        let retention = Int(configuration.retention.milliseconds())
        var reports: [ArchiveTrimReport] = []
        for stream in streams {
            let keys = TopicKeys(stream.topic)
            let reply = try await redis.evalSHA(
                TrimScript.script, keys: [RESPArgument(stream.key), RESPArgument(keys.trimming)],
                arguments: [RESPArgument(configuration.group), RESPArgument(retention), RESPArgument(stream.action.rawValue)])
            guard let parts = reply.array, parts.count == 4, let trimmed = parts[0].int, let minID = parts[1].string,
                  let heldBy = parts[2].string, let at = parts[3].int else {
                throw ArchiveError(.corruptArchive, "unexpected reply of the trim script: \(reply)")
            }
            if heldBy == "no stream" { continue }
            if trimmed > 0 {
                logger.info("trimmed archived entries", metadata: [
                    "event.stream": "\(stream.key)", "archive.trimmed": "\(trimmed)", "archive.min_id": "\(minID)",
                ])
            }
            reports.append(ArchiveTrimReport(stream: stream.key, minID: minID.isEmpty ? nil : minID, heldBy: heldBy,
                                             trimmed: trimmed, at: Int64(at)))
        }
        return reports
    }
}
