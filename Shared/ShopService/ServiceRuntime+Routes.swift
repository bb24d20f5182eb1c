import NIOCore
import NIOHTTP1
import ShopHTTP

extension ServiceRuntime {
    /// `/health` (liveness, no I/O), `/ready` (the readiness checks) and `/metrics` (Prometheus text).
    func builtInRoutes(_ router: inout Router) {
        let healthy = ByteBuffer(string: #"{"status":"ok"}"#)
        let ready = ByteBuffer(string: #"{"status":"ready"}"#)
        router.get("/health") { _ in .json(bytes: healthy) }
        router.get("/ready") { [weak self] _ in
            guard let self else { throw HTTPError(.serviceUnavailable, "shutting down") }
            try await self.checkReadiness()
            return .json(bytes: ready)
        }
        router.get("/metrics") { [weak self] _ in
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
            let text = self?.metricsText() ?? []
            return Response(status: .ok, headers: headers, body: ByteBuffer(bytes: text))
        }
    }

    /// Runs every readiness check at once; any failure is a 503 naming each failed check (in registration order).
    func checkReadiness() async throws(HTTPError) {
        let checks = readinessChecks
        let failures = await withTaskGroup(of: (Int, String?).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask {
                    do throws(ServiceError) {
                        try await check.run(timeout: Self.readinessTimeout)
                        return (index, nil)
                    } catch {
                        return (index, error.message)
                    }
                }
            }
            var failures: [(Int, String)] = []
            for await case let (index, message?) in group { failures.append((index, message)) }
            return failures.sorted { $0.0 < $1.0 }.map(\.1)
        }
        if !failures.isEmpty {
            throw HTTPError(.serviceUnavailable, failures.joined(separator: "; "))
        }
    }
}
