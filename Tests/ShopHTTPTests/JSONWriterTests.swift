import Foundation
import NIOCore
import ShopJSON
import Testing

@Suite("JSONWriter: strings written as JSON literals, into a ByteBuffer or a byte array alike")
struct JSONWriterTests {
    func written(_ text: String) -> String {
        var buffer = ByteBuffer()
        JSONWriter.string(text, into: &buffer)
        var bytes: [UInt8] = []
        JSONWriter.string(text, into: &bytes)
        #expect(Array(buffer.readableBytesView) == bytes)
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

    @Test func escapesTheSlashOnlyWhenAskedAsJSONEncoderDoes() {
        var bytes: [UInt8] = []
        JSONWriter.string("a/b", into: &bytes, escapingSlash: true)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\/b""#)
    }

    @Test func objectsFieldByField() {
        var writer = JSONWriter()
        writer.field("a", 1)
        writer.field("b", ["x", "y\""])
        writer.field("c", true)
        writer.field("d", json: Array("null".utf8))
        #expect(String(decoding: writer.finished(), as: UTF8.self) == #"{"a":1,"b":["x","y\""],"c":true,"d":null}"#)
        #expect(String(decoding: JSONWriter().finished(), as: UTF8.self) == "{}")
    }
}
