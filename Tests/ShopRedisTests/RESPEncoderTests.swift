import NIOCore
import Testing
@testable import ShopRedis

@Suite("RESP encoder")
struct RESPEncoderTests {
    func encoded(_ arguments: [RESPArgument]) -> String {
        var buffer = ByteBuffer()
        RESPEncoder.encode(arguments, into: &buffer)
        return String(buffer: buffer)
    }

    @Test func writesArraysOfBulkStrings() {
        #expect(encoded(["SET", "key", "value"]) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
        #expect(encoded(["PING"]) == "*1\r\n$4\r\nPING\r\n")
        #expect(encoded([]) == "*0\r\n")
    }

    @Test func writesIntegersInDecimal() {
        #expect(encoded(["X", 0, 7, 10, -1, 1234567890]) == "*6\r\n$1\r\nX\r\n$1\r\n0\r\n$1\r\n7\r\n$2\r\n10\r\n$2\r\n-1\r\n$10\r\n1234567890\r\n")
        #expect(encoded([RESPArgument(Int.min)]) == "*1\r\n$20\r\n-9223372036854775808\r\n")
        #expect(encoded([RESPArgument(Int.max)]) == "*1\r\n$19\r\n9223372036854775807\r\n")
    }

    @Test func writesBinaryAndUnicodeByLength() {
        var buffer = ByteBuffer()
        RESPEncoder.encode([RESPArgument(bytes: [0, 13, 10, 255])], into: &buffer)
        #expect(Array(buffer.readableBytesView) == Array("*1\r\n$4\r\n".utf8) + [0, 13, 10, 255, 13, 10])
        #expect(encoded([RESPArgument(ByteBuffer(string: "héllo"))]) == "*1\r\n$6\r\nhéllo\r\n")
        #expect(encoded(["ünï"]) == "*1\r\n$5\r\nünï\r\n")
        #expect(encoded([""]) == "*1\r\n$0\r\n\r\n")
    }

    @Test func writesDoublesAsRedisParsesThem() {
        #expect(encoded([RESPArgument(1.5), RESPArgument(Double.infinity), RESPArgument(-Double.infinity)])
            == "*3\r\n$3\r\n1.5\r\n$4\r\n+inf\r\n$4\r\n-inf\r\n")
    }
}
