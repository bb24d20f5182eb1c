import NIOCore
import NIOPosix
import Synchronization
@testable import ShopRedis

/// A fake cluster node on 127.0.0.1: answers each command with what its `respond` closure says, so a test can have
/// it answer `MOVED`, `ASK` or `TRYAGAIN` on demand. It keeps `ASKING` per connection, as Redis does.
final class FakeClusterNode: Sendable {
    /// What the node answers: the command (name first, as sent) and whether `ASKING` preceded it on this connection.
    typealias Respond = @Sendable (_ command: [String], _ asking: Bool) -> RESPValue?

    private let respond: Respond
    private let channel = Mutex<(any Channel)?>(nil)
    /// Every command received, in order, with its `ASKING` flag.
    let received = Mutex<[(command: [String], asking: Bool)]>([])

    init(_ respond: @escaping Respond) {
        self.respond = respond
    }

    /// Listens on a free port and returns it.
    func start() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(Handler(node: self)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.channel.withLock { $0 = channel }
        return channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.withLock { $0 }?.close()
    }

    /// The commands named `name` (upper case) that the node received.
    func commands(_ name: String) -> [(command: [String], asking: Bool)] {
        received.withLock { $0.filter { $0.command.first?.uppercased() == name } }
    }

    fileprivate func reply(to command: [String], asking: Bool) -> RESPValue {
        received.withLock { $0.append((command, asking)) }
        if let answer = respond(command, asking) { return answer }
        switch command.first?.uppercased() {
        case "PING": return .simpleString(ByteBuffer(string: "PONG"))
        case "CLIENT", "ASKING", "SCRIPT": return .simpleString(ByteBuffer(string: "OK"))
        default: return .error(RedisServerError(line: "ERR unknown command"))
        }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let node: FakeClusterNode
        var decoder = RESPDecoder()
        var pending: ByteBuffer?
        var asking = false

        init(node: FakeClusterNode) {
            self.node = node
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            if var buffer = pending {
                buffer.writeBuffer(&incoming)
                incoming = buffer
            }
            while let value = try? decoder.decode(&incoming) {
                let command = value.array?.compactMap(\.string) ?? []
                let answer = node.reply(to: command, asking: asking)
                asking = command.first?.uppercased() == "ASKING"
                context.write(wrapOutboundOut(ByteBuffer(bytes: serverBytes(answer))), promise: nil)
            }
            pending = incoming.readableBytes > 0 ? incoming : nil
            context.flush()
        }
    }
}

/// A `CLUSTER SHARDS` reply naming one primary per slot range.
func shardsReply(_ shards: [(ClosedRange<Int>, port: Int)]) -> RESPValue {
    func text(_ string: String) -> RESPValue { .bulkString(ByteBuffer(string: string)) }
    return .array(shards.map { range, port in
        .array([text("slots"), .array([.integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))]),
                text("nodes"), .array([.array([text("id"), text("node\(port)"), text("port"), .integer(Int64(port)),
                                               text("ip"), text("127.0.0.1"), text("endpoint"), text("127.0.0.1"),
                                               text("role"), text("master"), text("health"), text("online")])])])
    })
}
