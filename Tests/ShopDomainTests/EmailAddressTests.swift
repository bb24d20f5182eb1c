import ShopDomain
import Testing

/// One rule for the customer drafts and msg-service: an address a customer was accepted with is always one
/// msg-service sends its welcome to (before, msg-service looked for "@" by Character and dead-lettered the
/// welcome of "ann@\u{1F3FB}x.io", which Schemathesis had created).
@Suite struct EmailAddressTests {
    @Test(arguments: ["a@b", "ann@example.com", "zoë@bücher.de", "ann@\u{1F3FB}x.io", "ann@\u{301}x.io",
                      String(repeating: "é", count: 64) + "@x.io"])
    func plausible(address: String) {
        #expect(EmailAddress.isPlausible(address))
    }

    @Test(arguments: ["", "ann", "@x.io", "ann@", "a@b@c", "ann @x.io", "ann@x.io\u{2028}",
                      String(repeating: "a", count: 65) + "@x.io"])
    func implausible(address: String) {
        #expect(!EmailAddress.isPlausible(address))
    }
}
