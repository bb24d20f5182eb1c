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
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw TestSupportError("connect to port \(port) failed: errno \(errno)") }
    var sent = 0
    while sent < bytes.count {
        let written = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // The server may answer and close before reading everything (e.g. 413 on Content-Length): stop sending.
        guard written > 0 else { break }
        sent += written
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while received.count < limit {
        let count = read(fd, &buffer, buffer.count)
        if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
        if count < 0 { return (String(decoding: received, as: UTF8.self), errno == ECONNRESET) }
        received += buffer[0..<count]
    }
    return (String(decoding: received, as: UTF8.self), false)
}
