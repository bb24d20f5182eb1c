import ShopArchive
import Testing

@Suite("EventQuery parameters")
struct EventQueryTests {
    @Test func placeholder() {
        #expect(EventQuery.maxLimit == 10_000)
    }
}
