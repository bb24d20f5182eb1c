import Logging
import ServiceLifecycle
import ShopHTTP
import Testing

@Suite("HTTP server: graceful shutdown")
struct ServerShutdownTests {
    @Test func inFlightRequestCompletesAndNewConnectionsAreRefused() async throws {
        let gate = Gate()
        var router = Router()
        router.get("/slow") { _ in
            try await gate.pass()
            return .json("done")
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(), router: router, logger: testLogger())
        let group = ServiceGroup(services: [server], logger: testLogger())
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.localPort()
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("the handler runs") { gate.entered == 1 }

            await group.triggerGracefulShutdown()
            try await eventually("the listener is closed") {
                do {
                    let late = try await RawConnection.connect(port: port)
                    await late.close()
                    return false
                } catch {
                    return true
                }
            }
            #expect(!connection.isClosed)
            gate.open()
            try await eventually("the in-flight request is answered") { connection.responses.count == 1 }
            #expect(connection.responses[0].body == #""done""#)
            #expect(connection.responses[0].header("connection") == "close")
            try await eventually("the connection is closed afterwards") { connection.isClosed }
            try await tasks.next()
        }
    }

    @Test func aStuckRequestIsCutOffAfterTheGracePeriod() async throws {
        let gate = Gate()
        var router = Router()
        router.get("/stuck") { _ in
            try await gate.pass()
            return .json("never")
        }
        var configuration = HTTPServerConfiguration()
        configuration.shutdownGracePeriod = .milliseconds(300)
        let server = HTTPServer(configuration: configuration, router: router, logger: testLogger())
        let group = ServiceGroup(services: [server], logger: testLogger())
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.localPort()
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("the handler runs") { gate.entered == 1 }
            let started = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await tasks.next()
            #expect(ContinuousClock.now - started < .seconds(5))
            try await eventually("the stuck connection is closed") { connection.isClosed }
            gate.open()
        }
    }

    @Test func runStopsOnCancellation() async throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(), router: Router(), logger: testLogger())
        let task = Task { try await server.run() }
        _ = try await server.localPort()
        task.cancel()
        try await task.value
        await #expect(throws: (any Error).self) { try await server.localPort() }
    }
}
