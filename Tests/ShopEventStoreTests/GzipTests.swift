import Foundation
import ShopEventStore
import Testing

@Suite("Gzip")
struct GzipTests {
    @Test("round trip keeps every byte, at every level")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Array(String(repeating: #"{"id":"order","product_ids":["a","b"]}"#, count: 500).utf8)
        for input in [random, text, [0x1f, 0x8b], Array(repeating: 0, count: 1)] {
            for level: Int32 in [0, 1, 6, 9] {
                let compressed = Gzip.compress(input, level: level)
                #expect(Array(compressed.prefix(2)) == [0x1f, 0x8b], "gzip magic")
                #expect(try Gzip.decompress(compressed, maxOutputSize: input.count) == input)
            }
        }
        #expect(Gzip.compress(text).count < text.count / 10, "repetitive JSON shrinks")
    }

    @Test("empty input compresses to a valid member that decompresses to nothing")
    func emptyInput() throws {
        let compressed = Gzip.compress([])
        #expect(!compressed.isEmpty)
        #expect(try Gzip.decompress(compressed, maxOutputSize: 0) == [])
        #expect(throws: GzipError.self) { try Gzip.decompress([], maxOutputSize: 10) }
    }

    @Test("out-of-range levels are clamped, not a crash")
    func levelsClamped() throws {
        let input = Array("hello hello hello".utf8)
        #expect(try Gzip.decompress(Gzip.compress(input, level: 42), maxOutputSize: 100) == input)
        #expect(try Gzip.decompress(Gzip.compress(input, level: -7), maxOutputSize: 100) == input)
    }

    @Test("a zip bomb is refused at the limit")
    func zipBomb() throws {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 10 * 1024 * 1024), level: 9)
        #expect(bomb.count < 20_000)
        let error = #expect(throws: GzipError.self) { try Gzip.decompress(bomb, maxOutputSize: 1024 * 1024) }
        #expect(error?.code == .tooLarge)
        // The exact limit is allowed; one byte less is not.
        let exact = Gzip.compress([UInt8](repeating: 7, count: 1000))
        #expect(try Gzip.decompress(exact, maxOutputSize: 1000).count == 1000)
        #expect((#expect(throws: GzipError.self) { try Gzip.decompress(exact, maxOutputSize: 999) })?.code == .tooLarge)
        #expect((#expect(throws: GzipError.self) { try Gzip.decompress(exact, maxOutputSize: -1) })?.code == .invalidArgument)
    }

    @Test("truncated data is rejected at every cut")
    func truncated() throws {
        let input = Array(String(repeating: "ordershop event ", count: 200).utf8)
        let compressed = Gzip.compress(input)
        for length in 1..<compressed.count {
            let error = #expect(throws: GzipError.self) { try Gzip.decompress(Array(compressed.prefix(length)), maxOutputSize: 1 << 20) }
            #expect(error?.code == .truncated || error?.code == .corrupt, "cut at \(length)")
        }
    }

    @Test("random bytes, flipped bits and trailing garbage are rejected")
    func corrupt() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let noise = (0..<Int.random(in: 1...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: GzipError.self) { try Gzip.decompress(noise, maxOutputSize: 1 << 20) }
        }
        let input = Array(String(repeating: "abcdefgh", count: 100).utf8)
        var damaged = Gzip.compress(input)
        damaged[damaged.count - 6] ^= 0xFF  // inside the CRC-32 trailer
        #expect((#expect(throws: GzipError.self) { try Gzip.decompress(damaged, maxOutputSize: 1 << 20) })?.code == .corrupt)
        let trailing = Gzip.compress(input) + [0x00, 0x01, 0x02]
        #expect((#expect(throws: GzipError.self) { try Gzip.decompress(trailing, maxOutputSize: 1 << 20) })?.code == .corrupt)
    }

    @Test("concatenated members decompress to the concatenation, as gunzip does")
    func multipleMembers() throws {
        let first = Array("first ".utf8), second = Array("second".utf8)
        let joined = Gzip.compress(first) + Gzip.compress(second)
        #expect(try Gzip.decompress(joined, maxOutputSize: 100) == first + second)
        #expect(throws: GzipError.self) { try Gzip.decompress(joined, maxOutputSize: first.count + 2) }
    }

    @Test("interoperates with the gzip command line tool both ways")
    func gzipCommandLine() throws {
        let input = Array(realisticOrder().utf8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let ours = directory.appendingPathComponent("ours.json.gz")
        try Data(Gzip.compress(input)).write(to: ours)
        #expect(try runGzip(["-dc", ours.path]) == input)

        let plain = directory.appendingPathComponent("theirs.json")
        try Data(input).write(to: plain)
        let theirs = try runGzip(["-9c", plain.path])
        #expect(try Gzip.decompress(theirs, maxOutputSize: input.count) == input)
    }

    @Test("2 KB orders: compression ratio of 50 distinct product ids, and of a basket with repeats")
    func orderRatios() throws {
        // 50 distinct random UUIDs are the worst case: 122 random bits in 38 characters leave deflate little to find.
        let distinct = Array(order(distinctProducts: 50).utf8)
        let basket = Array(order(distinctProducts: 12).utf8)
        #expect((1800...2600).contains(distinct.count) && (1800...2600).contains(basket.count))
        var ratios: [Double] = []
        for input in [distinct, basket] {
            let compressed = Gzip.compress(input)
            #expect(try Gzip.decompress(compressed, maxOutputSize: input.count) == input)
            ratios.append(Double(compressed.count) / Double(input.count))
        }
        print("compression: ratio=\(String(format: "%.2f", ratios[0])) (2 KB order, 50 distinct product ids); "
              + "ratio=\(String(format: "%.2f", ratios[1])) (50 product ids, 12 distinct)")
        #expect(ratios[0] < 0.65)
        #expect(ratios[1] <= 0.5)
    }

    /// An order as the shop stores it: 50 product ids drawn from `distinctProducts` products.
    private func realisticOrder() -> String { order(distinctProducts: 50) }

    private func order(distinctProducts: Int) -> String {
        let products = (0..<distinctProducts).map { _ in UUID().uuidString.lowercased() }
        let productIDs = (0..<50).map { products[$0 % products.count] }
        let quoted = productIDs.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"id":"\#(UUID().uuidString.lowercased())","customer_id":"\#(UUID().uuidString.lowercased())","product_ids":[\#(quoted)]}"#
    }

    private func runGzip(_ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return Array(data)
    }
}
