import ShopHTTP
import Testing

@Suite("W3C traceparent: parsed strictly, written back")
struct TraceParentTests {
    @Test("a valid header gives its trace id, parent id and flags, and prints as it came")
    func valid() throws {
        let text = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let parsed = try #require(TraceParent(text))
        #expect(parsed.traceID == "4bf92f3577b34da6a3ce929d0e0e4736" && parsed.parentID == "00f067aa0ba902b7" && parsed.isSampled)
        #expect(parsed.description == text)
        #expect(parsed.child(spanID: "b7ad6b7169203331").description == "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01")
        // A later version may carry more after a dash; only the flags' sampled bit is kept.
        let future = try #require(TraceParent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-extra"))
        #expect(future.flags == 1 && future.description.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736"))
    }

    @Test("invalid headers are ignored", arguments: [
        "", "00", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",            // short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",                    // version 00 has no more fields
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",                     // version ff is invalid
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",                     // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",                     // all-zero parent id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",                     // uppercase
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",                     // not hex
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",                     // separator
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",                    // later version, no dash
    ])
    func invalid(_ text: String) {
        #expect(TraceParent(text) == nil)
    }

    @Test("made ids have the W3C shape and are not all zero")
    func madeIDs() throws {
        for _ in 0..<100 {
            let trace = TraceParent(traceID: TraceParent.makeTraceID(), parentID: TraceParent.makeSpanID(), flags: 1)
            #expect(TraceParent(trace.description) == trace)
        }
    }
}
