#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOPosix
import ShopTestSupport

/// `rawExchange` on a thread of NIO's blocking pool, so a slow peer never holds a thread of the cooperative pool.
func rawExchange(port: Int, sending bytes: [UInt8]) async throws -> (reply: String, closed: Bool) {
    try await NIOThreadPool.singleton.runIfActive { try rawExchange(port: port, sending: bytes, quiet: 5) }
}

/// Sends exact bytes on a fresh TCP connection and reads what comes back until the peer closes, nothing arrives
/// for `quiet`, or `limit` bytes: how a client that is not HTTP (a TLS hello, random bytes) meets a service.
func rawExchange(port: Int, sending bytes: [UInt8], quiet seconds: Int, limit: Int = 1 << 16) throws -> (reply: String, closed: Bool) {
    let socket = try LoopbackSocket(receiveTimeout: seconds)
    try socket.connectToPort(port)
    var sent = 0
    while sent < bytes.count {
        let written = bytes[sent...].withUnsafeBytes { send(socket.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // The server may answer and close before reading everything (e.g. 413 on Content-Length): stop sending.
        guard written > 0 else { break }
        sent += written
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while received.count < limit {
        let count = read(socket.descriptor, &buffer, buffer.count)
        if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
        if count < 0 { return (String(decoding: received, as: UTF8.self), errno == ECONNRESET) }
        received += buffer[0..<count]
    }
    return (String(decoding: received, as: UTF8.self), false)
}
