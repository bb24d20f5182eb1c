import Foundation
import ShopHTTP
import ShopService
import ShopTestSupport
import Testing

@Suite("ServiceRuntime: /health, /ready, /metrics over real HTTP")
struct ServiceRuntimeTests {
    @Test("/health answers 200 {\"status\":\"ok\"} even when Redis is unreachable (no I/O)")
    func health() async throws {
        try await RuntimeHarness.with(environment: ["REDIS_URL": "redis://127.0.0.1:\(try freePort())"]) { harness in
            let (status, body) = try await harness.get("/health")
            #expect(status == 200)
            #expect(body == #"{"status":"ok"}"#)
        }
    }

    @Test("/ready answers 200 when Redis answers PING")
    func readyWithRedis() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.stop() }
        try await RuntimeHarness.with(environment: ["REDIS_URL": redis.url]) { harness in
            // The pool connects in the background: poll until ready rather than sleeping.
            let (status, body) = try await harness.pollUntilReady()
            #expect(status == 200, "body: \(body)")
            #expect(body == #"{"status":"ready"}"#)
        }
    }

    @Test("/ready answers 503 naming redis when Redis is unreachable")
    func notReadyWithoutRedis() async throws {
        try await RuntimeHarness.with(environment: ["REDIS_URL": "redis://127.0.0.1:\(try freePort())"]) { harness in
            let (status, body) = try await harness.get("/ready")
            #expect(status == 503)
            let error = try JSONDecoder().decode([String: String].self, from: Data(body.utf8))["error"] ?? ""
            #expect(error.hasPrefix("redis: "), "error: \(error)")
        }
    }

    @Test("/ready answers 503 with the reason of a failing registered check")
    func failingCheck() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.stop() }
        struct DiskFull: Error, CustomStringConvertible { var description: String { "disk full" } }
        try await RuntimeHarness.with(environment: ["REDIS_URL": redis.url], configure: { runtime in
            runtime.addReadinessCheck(name: "passing") {}
            runtime.addReadinessCheck(name: "archive") { throw DiskFull() }
        }) { harness in
            let (status, body) = try await harness.get("/ready")
            #expect(status == 503)
            #expect(body.hasPrefix(#"{"error":"#), "body: \(body)")
            #expect(body.contains("archive: disk full"), "body: \(body)")
            #expect(!body.contains("passing"), "a passing check is not reported: \(body)")
        }
    }

    @Test("/ready answers 503 when a check hangs past the readiness timeout")
    func hangingCheck() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.stop() }
        try await RuntimeHarness.with(environment: ["REDIS_URL": redis.url], configure: { runtime in
            runtime.addReadinessCheck(name: "slow") { try await Task.sleep(for: .seconds(60)) }
        }) { harness in
            let started = ContinuousClock.now
            let (status, body) = try await harness.get("/ready")
            #expect(status == 503)
            #expect(body.contains("slow: no answer within"), "body: \(body)")
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test("/metrics counts requests by route, method and status, with a latency histogram")
    func metrics() async throws {
        let route = "/probe-\(UUID().uuidString.prefix(8).lowercased())"
        try await RuntimeHarness.with(
            environment: ["REDIS_URL": "redis://127.0.0.1:\(try freePort())"],
            configure: { runtime in
                runtime.register { router in
                    router.get(route + "/{id}") { request in
                        if request.parameters["id"] == "missing" { throw HTTPError(.notFound, "no such thing") }
                        return .json(["id": request.parameters["id"] ?? ""])
                    }
                }
            }
        ) { harness in
            for id in ["a", "b", "c"] { #expect(try await harness.get("\(route)/\(id)").status == 200) }
            #expect(try await harness.get("\(route)/missing").status == 404)

            let response = try await harness.client.execute(.GET, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/plain") == true)
            let text = String(buffer: response.body)
            let pattern = route + "/{id}"
            #expect(sample(text, "http_requests_total", ["route": pattern, "method": "GET", "status": "200"]) == 3)
            #expect(sample(text, "http_requests_total", ["route": pattern, "method": "GET", "status": "404"]) == 1)
            #expect(sample(text, "http_request_duration_seconds_count", ["route": pattern, "method": "GET"]) == 4)
            #expect(sample(text, "http_request_duration_seconds_bucket", ["route": pattern, "method": "GET", "le": "+Inf"]) == 4)
            #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
        }
    }

    @Test("a second run() of the same runtime is refused")
    func runTwice() async throws {
        try await RuntimeHarness.with(environment: ["REDIS_URL": "redis://127.0.0.1:\(try freePort())"]) { harness in
            await #expect(throws: ServiceError.self) { try await harness.runtime.run() }
        }
    }
}

/// The value of the Prometheus sample `name` whose labels include all of `labels`, or nil.
func sample(_ text: String, _ name: String, _ labels: [String: String]) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
        guard let close = line.lastIndex(of: "}") else { continue }
        let labelText = line[line.index(line.startIndex, offsetBy: name.count + 1)..<close]
        guard labels.allSatisfy({ labelText.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
        return Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces))
    }
    return nil
}

extension RuntimeHarness {
    /// GET /ready until it answers 200 or 30 s pass; returns the last answer.
    func pollUntilReady() async throws -> (status: Int, body: String) {
        let deadline = ContinuousClock.now + .seconds(30)
        var last = try await get("/ready")
        while last.status != 200, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            last = try await get("/ready")
        }
        return last
    }
}
