import NIOCore
@testable import ShopHTTP
import ShopTestSupport
import Synchronization
import Testing

@Suite("HTTP client over several instances of one upstream")
struct UpstreamInstancesTests {
    @Test("the selection takes turns, and an instance that refused goes last for a second, then takes its turn again")
    func selectionOrder() {
        let start = ContinuousClock.now
        var selection = UpstreamSelection(instances: 3, skipFor: .seconds(1))
        #expect(selection.order(now: start) == [0, 1, 2])
        #expect(selection.order(now: start) == [1, 2, 0])
        selection.markDown(2, now: start)
        #expect(selection.order(now: start) == [0, 1, 2])
        #expect(selection.order(now: start + .milliseconds(500)) == [0, 1, 2], "its turn skipped while marked down")
        #expect(selection.isDown(2, now: start + .milliseconds(999)))
        #expect(selection.order(now: start + .milliseconds(1001)) == [1, 2, 0], "in its turn again after a second")
        selection.markDown(0, now: start)
        selection.markDown(1, now: start)
        selection.markDown(2, now: start)
        #expect(selection.order(now: start).count == 3, "every instance down: all are still tried")
        selection.markUp(1)
        #expect(selection.order(now: start).first == 1)
    }

    @Test("a stopped instance is skipped at once: every request is answered by the live one, POSTs included")
    func deadInstanceSkipped() async throws {
        let served = Atomic<Int>(0)
        try await withServer(routes: { router in
            router.post("/orders") { _ in
                served.add(1, ordering: .relaxed)
                return .json("ok")
            }
        }) { _, port in
            let dead = try freePort()
            let client = try HTTPClient(baseURLs: ["http://127.0.0.1:\(dead)", "http://127.0.0.1:\(port)"],
                                        configuration: HTTPClientTests.loadTolerant(), logger: testLogger())
            #expect(client.instances == ["127.0.0.1:\(dead)", "127.0.0.1:\(port)"])
            let started = ContinuousClock.now
            for _ in 0..<10 {
                let response = try await client.execute(.POST, "/orders", body: ByteBuffer(string: "{}"))
                #expect(response.status == .ok)
            }
            #expect(served.load(ordering: .relaxed) == 10)
            #expect(ContinuousClock.now - started < .seconds(5), "no request waited on the dead instance")
            await client.shutdown()
        }
    }

    @Test("a POST that reached an instance which then closed without answering is not sent to another instance")
    func postNeverResentElsewhere() async throws {
        let served = Atomic<Int>(0)
        let hangUp = try await CannedUpstream.start(reply: nil)
        try await withServer(routes: { router in
            router.post("/orders") { _ in
                served.add(1, ordering: .relaxed)
                return .json("ok")
            }
        }) { _, port in
            let client = try HTTPClient(baseURLs: ["http://127.0.0.1:\(hangUp.port)", "http://127.0.0.1:\(port)"],
                                        configuration: HTTPClientTests.loadTolerant(), logger: testLogger())
            // The first request goes to the first instance, which reads it and hangs up.
            await #expect(throws: HTTPClientError.self) {
                _ = try await client.execute(.POST, "/orders", body: ByteBuffer(string: "{}"))
            }
            #expect(served.load(ordering: .relaxed) == 0, "the POST was not sent again to the second instance")
            // The next one takes its turn at the second instance.
            #expect(try await client.execute(.POST, "/orders", body: ByteBuffer(string: "{}")).status == .ok)
            #expect(served.load(ordering: .relaxed) == 1)
            await client.shutdown()
        }
        await hangUp.stop()
    }

    @Test("every instance down: .upstreamUnavailable naming them")
    func allDown() async throws {
        let (first, second) = (try freePort(), try freePort())
        let client = try HTTPClient(baseURLs: ["http://127.0.0.1:\(first)", "http://127.0.0.1:\(second)"],
                                    configuration: HTTPClientTests.loadTolerant(), logger: testLogger())
        do {
            _ = try await client.execute(.GET, "/ping")
            Issue.record("expected a failure")
        } catch let error as HTTPClientError {
            #expect(error.code == .upstreamUnavailable)
            #expect(error.message.contains("127.0.0.1:\(first)") && error.message.contains("127.0.0.1:\(second)"))
        }
        await client.shutdown()
        #expect(throws: HTTPClientError.self) { try HTTPClient(baseURLs: [], logger: testLogger()) }
    }
}
