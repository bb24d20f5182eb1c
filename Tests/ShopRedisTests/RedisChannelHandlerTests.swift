import Logging
import NIOCore
import NIOEmbedded
import Testing
@testable import ShopRedis

@Suite("Channel handler on an embedded channel")
struct RedisChannelHandlerTests {
    func makeChannel() throws -> (EmbeddedChannel, RedisChannelHandler) {
        let handler = RedisChannelHandler(decoderLimits: RESPDecoderLimits(), commandTimeout: .seconds(5), logger: Logger(label: "test"))
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
        return (channel, handler)
    }

    func command(_ arguments: [RESPArgument]) -> ByteBuffer {
        var buffer = ByteBuffer()
        RESPEncoder.encode(arguments, into: &buffer)
        return buffer
    }

    @Test func writesExactBytesAndCompletesRepliesInOrderAcrossSplitReads() throws {
        let (channel, handler) = try makeChannel()
        let first = channel.eventLoop.makePromise(of: RESPValue.self)
        let second = channel.eventLoop.makePromise(of: RESPValue.self)
        handler.write(command(["GET", "k"]), completion: .single(first), deadline: .distantFuture)
        handler.write(command(["INCR", "n"]), completion: .single(second), deadline: .distantFuture)
        // Commands sent in one tick of the loop leave with one flush, once the loop has run what it was running.
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"))
        try channel.writeInbound(ByteBuffer(string: "$3\r\nv"))
        #expect(handler.pendingCount == 2)
        try channel.writeInbound(ByteBuffer(string: "al\r\n:"))
        try channel.writeInbound(ByteBuffer(string: "7\r\n"))
        #expect(try first.futureResult.wait() == .bulkString(ByteBuffer(string: "val")))
        #expect(try second.futureResult.wait() == .integer(7))
        #expect(handler.pendingCount == 0)
        _ = try channel.finish()
    }

    @Test func aProtocolErrorFailsPendingCommandsAndCloses() throws {
        let (channel, handler) = try makeChannel()
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        handler.write(command(["PING"]), completion: .single(promise), deadline: .distantFuture)
        try channel.writeInbound(ByteBuffer(string: "?garbage\r\n"))
        #expect(throws: RedisClientError.self) { try promise.futureResult.wait() }
        #expect(!channel.isActive)
    }

    @Test func closingFailsWaitingCommandsWithConnectionClosed() throws {
        let (channel, handler) = try makeChannel()
        let promise = channel.eventLoop.makePromise(of: [Result<RESPValue, RedisServerError>].self)
        handler.write(command(["PING"]) , completion: .pipeline(promise, count: 1), deadline: .distantFuture)
        try channel.close().wait()
        do {
            _ = try promise.futureResult.wait()
            Issue.record("must fail")
        } catch let error as RedisClientError {
            #expect(error.code == .connectionClosed)
        }
    }
}
