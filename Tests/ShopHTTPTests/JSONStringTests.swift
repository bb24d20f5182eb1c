import Foundation
import NIOCore
import ShopHTTP
import Testing

@Suite("JSONString: strings written as JSON literals by hand")
struct JSONStringTests {
    func written(_ text: String) -> String {
        var buffer = ByteBuffer()
        JSONString.write(text, into: &buffer)
        return String(buffer: buffer)
    }

    @Test func escapesOnlyWhatJSONRequires() {
        #expect(written("") == #""""#)
        #expect(written("plain id 3f2a-9c") == #""plain id 3f2a-9c""#)
        #expect(written("a\"b\\c") == #""a\"b\\c""#)
        #expect(written("line\nnext\r\ttab") == #""line\nnext\r\ttab""#)
        #expect(written("\u{0}\u{1}\u{1F}") == #""\u0000\u0001\u001f""#)
        #expect(written("Zoë 🚀 /") == "\"Zoë 🚀 /\"")
    }

    @Test(arguments: ["", "\"", "\\\\\"\"", "x\u{7F}\u{85}y", "Dear Zoë \"Z\" 🚀!\n\nWelcome", String(repeating: "ab\"\n", count: 500)])
    func readsBackAsTheSameString(text: String) throws {
        let decoded = try JSONDecoder().decode(String.self, from: Data(written(text).utf8))
        #expect(decoded == text)
    }
}
