import NIOCore
import PropertyBased
import Testing
@testable import ShopRedis

@Suite("RESP decoder")
struct RESPDecoderTests {
    func decodeAll(_ text: String, limits: RESPDecoderLimits = RESPDecoderLimits()) throws -> [RESPValue] {
        try decodeAll(Array(text.utf8), limits: limits)
    }

    func decodeAll(_ bytes: [UInt8], limits: RESPDecoderLimits = RESPDecoderLimits()) throws -> [RESPValue] {
        var buffer = ByteBuffer(bytes: bytes)
        var values: [RESPValue] = []
        var decoder = RESPDecoder(limits: limits)
        while let value = try decoder.decode(&buffer) { values.append(value) }
        #expect(buffer.readableBytes == 0, "bytes left over")
        return values
    }

    func one(_ text: String) throws -> RESPValue {
        let values = try decodeAll(text)
        try #require(values.count == 1)
        return values[0]
    }

    @Test func decodesEveryRESP2Type() throws {
        #expect(try one("+OK\r\n") == .simpleString(ByteBuffer(string: "OK")))
        #expect(try one("-WRONGTYPE Operation against a key\r\n") == .error(RedisServerError(prefix: "WRONGTYPE", message: "Operation against a key")))
        #expect(try one(":-42\r\n") == .integer(-42))
        #expect(try one("$5\r\nhe\r\no\r\n") == .bulkString(ByteBuffer(string: "he\r\no")))
        #expect(try one("$0\r\n\r\n") == .bulkString(ByteBuffer()))
        #expect(try one("$-1\r\n") == .null)
        #expect(try one("*-1\r\n") == .null)
        #expect(try one("*0\r\n") == .array([]))
        #expect(try one("*2\r\n:1\r\n*1\r\n$1\r\nx\r\n") == .array([.integer(1), .array([.bulkString(ByteBuffer(string: "x"))])]))
    }

    @Test func decodesEveryRESP3Type() throws {
        #expect(try one("_\r\n") == .null)
        #expect(try one(",1.25\r\n") == .double(1.25))
        #expect(try one(",-inf\r\n") == .double(-.infinity))
        #expect(try one("#t\r\n") == .boolean(true))
        #expect(try one("#f\r\n") == .boolean(false))
        #expect(try one("(3492890328409238509324850943850943825024385\r\n") == .bigNumber(ByteBuffer(string: "3492890328409238509324850943850943825024385")))
        #expect(try one("!21\r\nSYNTAX invalid syntax\r\n") == .error(RedisServerError(prefix: "SYNTAX", message: "invalid syntax")))
        #expect(try one("=15\r\ntxt:Some string\r\n") == .verbatim(format: "txt", text: ByteBuffer(string: "Some string")))
        #expect(try one("%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n") == .map([.simpleString(ByteBuffer(string: "a")): .integer(1), .simpleString(ByteBuffer(string: "b")): .integer(2)]))
        #expect(try one("~2\r\n:1\r\n:2\r\n") == .set([.integer(1), .integer(2)]))
        #expect(try one(">2\r\n+message\r\n+hi\r\n") == .push([.simpleString(ByteBuffer(string: "message")), .simpleString(ByteBuffer(string: "hi"))]))
        #expect(try one("|1\r\n+ttl\r\n:3600\r\n:7\r\n") == .integer(7), "attributes are skipped")
    }

    @Test func accessorsConvert() throws {
        #expect(try one("$2\r\n42\r\n").int == 42)
        #expect(try one(":42\r\n").string == "42")
        #expect(try one("*2\r\n+a\r\n+b\r\n").array?.compactMap(\.string) == ["a", "b"])
        #expect(try one("$-1\r\n").isNull)
        #expect(try one("+x\r\n").int == nil)
        #expect(try one("*4\r\n+k1\r\n:1\r\n+k2\r\n:2\r\n").pairs?.map { $0.key.string! } == ["k1", "k2"])
    }

    @Test func returnsNilUntilTheWholeFrameAtEveryByteBoundary() throws {
        let frames = [
            "*3\r\n$3\r\nfoo\r\n%1\r\n+k\r\n,3.5\r\n~1\r\n#t\r\n",
            "=8\r\nmkd:**x*\r\n", "(-123\r\n", ":1\r\n", "$-1\r\n", "|1\r\n+a\r\n+b\r\n$1\r\nz\r\n",
        ]
        for frame in frames {
            let bytes = Array(frame.utf8)
            let expected = try decodeAll(bytes)
            // Threshold 0 takes the incremental scan path at every step, the default re-parses.
            for threshold in [0, 16 * 1024] {
                for split in 1..<bytes.count {
                    var decoder = RESPDecoder(limits: RESPDecoderLimits(), scanThreshold: threshold)
                    var buffer = ByteBuffer(bytes: bytes[..<split])
                    #expect(try decoder.decode(&buffer) == nil, "frame \(frame.debugDescription) split at \(split)")
                    #expect(buffer.readableBytes == split, "a partial frame must not be consumed")
                    buffer.writeBytes(bytes[split...])
                    #expect(try decoder.decode(&buffer) == expected.first)
                }
            }
        }
    }

    @Test func rejectsMalformedInputWithAProtocolError() {
        let malformed = ["?x\r\n", ":12a\r\n", ":\r\n", "$3\r\nabcd\r\n", "$-2\r\n", "*-5\r\n", "#x\r\n", ",notanumber\r\n",
                         "+OK\rX", "=2\r\nab\r\n", "(12x\r\n", "_x\r\n", ":99999999999999999999\r\n", "%-1\r\n"]
        for input in malformed {
            #expect(throws: RedisClientError.self, "\(input.debugDescription)") { try decodeAll(input) }
        }
    }

    @Test func enforcesLimits() throws {
        let limits = RESPDecoderLimits(maxDepth: 3, maxBulkLength: 16, maxAggregateLength: 10)
        #expect(throws: RedisClientError.self) { try decodeAll("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", limits: limits) }
        #expect(try decodeAll("*1\r\n*1\r\n*1\r\n:1\r\n", limits: limits).count == 1)
        #expect(throws: RedisClientError.self) { try decodeAll("$17\r\n", limits: limits) }
        #expect(throws: RedisClientError.self) { try decodeAll("*11\r\n", limits: limits) }
        #expect(throws: RedisClientError.self) { try decodeAll("%6\r\n", limits: limits) }
        #expect(throws: RedisClientError.self, "a line without end is cut off") { try decodeAll("+" + String(repeating: "a", count: 40), limits: limits) }
        // A declared huge array that never arrives allocates nothing and just waits.
        var buffer = ByteBuffer(string: "*67108864\r\n:1\r\n")
        var decoder = RESPDecoder()
        #expect(try decoder.decode(&buffer) == nil)
    }

    @Test func longRunsOfAttributesDoNotExhaustTheStack() throws {
        let attributes = String(repeating: "|0\r\n", count: 200_000) + ":1\r\n"
        #expect(try one(attributes) == .integer(1))
    }

    @Test func roundTripsArbitraryValues() async {
        await propertyCheck(count: 500, input: Gen<UInt8>.value(in: 0...255).array(of: 0...120)) { program in
            var builder = RESPValueBuilder(bytes: program)
            let value = builder.value()
            let bytes = serverBytes(value)
            #expect((try? decodeAll(bytes)) == [value])
        }
    }

    @Test func aLargeFrameArrivingInSmallPiecesDecodesOnceComplete() throws {
        let entries: [RESPValue] = (0..<5_000).map { index in
            .array([.bulkString(ByteBuffer(string: "\(index)-0")), .array([.bulkString(ByteBuffer(string: "field")), .bulkString(ByteBuffer(string: String(repeating: "x", count: index % 50)))])])
        }
        let frame = RESPValue.array(entries)
        let bytes = serverBytes(frame) + serverBytes(.integer(7))
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        var decoded: [RESPValue] = []
        for chunk in stride(from: 0, to: bytes.count, by: 1000) {
            buffer.writeBytes(bytes[chunk..<min(chunk + 1000, bytes.count)])
            while let value = try decoder.decode(&buffer) { decoded.append(value) }
        }
        #expect(decoded == [frame, .integer(7)])
    }

    @Test func splitArbitraryValuesDecodeTheSameOnBothPaths() async {
        await propertyCheck(count: 300, input: Gen<UInt8>.value(in: 0...255).array(of: 2...120)) { program in
            var builder = RESPValueBuilder(bytes: program)
            let value = builder.value()
            let bytes = serverBytes(value)
            let split = Int(program[0]) % bytes.count
            var decoder = RESPDecoder(limits: RESPDecoderLimits(), scanThreshold: 0)
            var buffer = ByteBuffer(bytes: bytes[..<split])
            #expect((try? decoder.decode(&buffer)) == .some(nil))
            buffer.writeBytes(bytes[split...])
            #expect((try? decoder.decode(&buffer)) == value)
        }
    }

    @Test func randomBytesNeverCrashOrHang() async {
        await propertyCheck(count: 2000, input: Gen<UInt8>.value(in: 0...255).array(of: 0...200)) { bytes in
            for threshold in [0, 16 * 1024] {
                var buffer = ByteBuffer(bytes: bytes)
                var decoder = RESPDecoder(limits: RESPDecoderLimits(maxDepth: 8, maxBulkLength: 1024, maxAggregateLength: 64), scanThreshold: threshold)
                while (try? decoder.decode(&buffer)) ?? nil != nil {}
            }
        }
    }

    @Test func mutatedValidFramesNeverCrash() async {
        await propertyCheck(count: 1000, input: Gen<UInt8>.value(in: 0...255).array(of: 4...80)) { program in
            var builder = RESPValueBuilder(bytes: program)
            var bytes = serverBytes(.array([builder.value(), builder.value()]))
            let position = Int(program[0]) % bytes.count
            bytes[position] = program[1]
            bytes.removeLast(Int(program[2]) % min(bytes.count, 4))
            var buffer = ByteBuffer(bytes: bytes)
            var decoder = RESPDecoder()
            while (try? decoder.decode(&buffer)) ?? nil != nil {}
        }
    }
}
