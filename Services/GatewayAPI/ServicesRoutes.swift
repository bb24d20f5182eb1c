import Foundation
import ShopDomain
import ShopHTTP
import ShopService

/// `GET /services`: every instance of the nine executables as the gateway reaches it (the instances its
/// `<NAME>_URL` lists): its `/ready` answer, and from its `/metrics` its uptime, resident memory and requests served
/// so far (the console turns two readings into a rate).
/// The browser cannot ask the services itself: they live on other ports, and the page may only talk to the gateway.
/// One reading serves every console that accepts an answer up to five seconds old (`SharedReading`), so twenty
/// open consoles cost the services what one does, once every five seconds.
struct ServicesRoutes: Sendable {
    let clients: [(service: ServiceName, client: HTTPClient)]
    let reading = SharedReading(maxAge: .seconds(5))

    /// One instance of a service as `/services` lists it.
    struct Row: Encodable, Sendable {
        var name: String
        /// `host:port`, as the gateway reaches it.
        var instance: String
        var ready = false
        /// The status `/ready` answered; 0 when the service could not be reached.
        var readyStatus = 0
        var reason: String?
        var uptimeSeconds: Double?
        var memoryBytes: Double?
        var requestsTotal: Double?

        enum CodingKeys: String, CodingKey {
            case name, instance, ready, reason
            case readyStatus = "ready_status"
            case uptimeSeconds = "uptime_seconds"
            case memoryBytes = "memory_bytes"
            case requestsTotal = "requests_total"
        }
    }

    struct Answer: Encodable, Sendable {
        var services: [Row]
    }

    func register(_ router: inout Router) {
        router.get("/services") { request in try await reading.answer(request, key: "", encoding: overview) }
    }

    func overview() async -> Answer {
        let rows = await withTaskGroup(of: (Int, Row).self) { group in
            let instances = clients.flatMap { entry in entry.client.instances.indices.map { (entry.service, entry.client, $0) } }
            for (index, (service, client, instance)) in instances.enumerated() {
                group.addTask { (index, await Self.row(service, client, instance: instance)) }
            }
            var rows: [(Int, Row)] = []
            for await row in group { rows.append(row) }
            return rows.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return Answer(services: rows)
    }

    static func row(_ service: ServiceName, _ client: HTTPClient, instance: Int) async -> Row {
        var row = Row(name: service.executable, instance: client.instances[instance])
        do {
            let ready = try await client.execute(instance: instance, .GET, "/ready")
            row.ready = ready.status == .ok
            row.readyStatus = Int(ready.status.code)
            if ready.status != .ok {
                let object = (try? JSONSerialization.jsonObject(with: Data(ready.body.readableBytesView))) as? [String: Any]
                row.reason = (object?["error"] as? String) ?? "answered \(ready.status.code)"
            }
            let metrics = try await client.execute(instance: instance, .GET, "/metrics")
            let summary = MetricsSummary(text: String(buffer: metrics.body))
            row.requestsTotal = summary.requests
            row.uptimeSeconds = summary.startTime.map { max(0, Date().timeIntervalSince1970 - $0) }
            row.memoryBytes = summary.residentMemory
        } catch {
            row.reason = "not reachable"
        }
        return row
    }
}

/// The few numbers the console shows, read from Prometheus text.
struct MetricsSummary {
    var requests = 0.0
    var startTime: Double?
    var residentMemory: Double?

    init(text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            if line.hasPrefix("http_requests_total") {
                requests += value
            } else if line.hasPrefix("process_start_time_seconds") {
                startTime = value
            } else if line.hasPrefix("process_resident_memory_bytes") {
                residentMemory = value
            }
        }
    }
}
