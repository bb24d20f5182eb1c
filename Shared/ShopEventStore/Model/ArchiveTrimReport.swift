import ShopDomain
import ShopJSON
import ShopRedis

/// What archive-service's last trim of one stream did, and what held it back (`GET /status` shows it).
public struct ArchiveTrimReport: Sendable, Equatable, Codable {
    /// The stream, e.g. `events:{order}_created`.
    public var stream: String
    /// Entries below this id may go; nil when nothing may (no `archive` group yet).
    public var minID: String?
    /// What set the bound: a group that lags (`group crm-service: 3 pending from 1700000000000-0`), the retention, …
    public var heldBy: String
    /// Entries removed by that trim.
    public var trimmed: Int
    /// When it ran, Unix milliseconds (Redis clock).
    public var at: Int64

    /// A report from its parts.
    public init(stream: String, minID: String?, heldBy: String, trimmed: Int, at: Int64) {
        self.stream = stream
        self.minID = minID
        self.heldBy = heldBy
        self.trimmed = trimmed
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case stream, trimmed, at
        case minID = "min_id"
        case heldBy = "held_by"
    }
    /// A report as the trim script writes it.
    init(json object: JSONObject) throws(JSONError) {
        self.init(stream: try object.string("stream"), minID: object["min_id"]?.string, heldBy: try object.string("held_by"),
                  trimmed: try object.integer("trimmed"), at: Int64(try object.integer("at")))
    }
}

extension TopicKeys {
    /// Hash: action → the JSON `ArchiveTrimReport` of the topic's stream, written by the trim script.
    public var trimming: String { "\(tag)_trimming" }
}

extension EventStore {
    /// The last trim report of every event stream that has been trimmed (or refused to be).
    public func archiveTrimReports() async throws -> [ArchiveTrimReport] {
        let replies = try await redis.pipeline(Topic.allCases.map { ["HGETALL", RESPArgument(TopicKeys($0).trimming)] })
        var reports: [ArchiveTrimReport] = []
        for result in replies {
            for pair in (try? result.get())?.pairs ?? [] {
                guard let bytes = pair.value.bytes,
                      let object = bytes.withUnsafeReadableBytes({ try? JSONReader.read($0) })?.object,
                      let report = try? ArchiveTrimReport(json: object) else { continue }
                reports.append(report)
            }
        }
        return reports.sorted { $0.stream < $1.stream }
    }
}
