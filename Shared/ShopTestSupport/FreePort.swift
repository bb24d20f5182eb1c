import Foundation
import Synchronization

/// A TCP port on 127.0.0.1 that nobody listens on right now, for a test server to bind.
///
/// Ports come from below the kernel's ephemeral range, so outgoing connections (the tests make many) cannot take one
/// between this call and the server's bind, and none is handed out twice in a process: suites run concurrently, and a
/// port the kernel had just given one of them (bind to port 0) could otherwise go to the next as well.
public func freePort() throws -> Int {
    let range = FreePorts.candidates
    for _ in 0..<1000 {
        let port = Int.random(in: range)
        guard FreePorts.handedOut.withLock({ $0.insert(port).inserted }) else { continue }
        let socket = try LoopbackSocket()
        if (try? socket.bindToPort(port)) != nil { return port }
    }
    throw TestSupportError("no free port between \(range.lowerBound) and \(range.upperBound)")
}

enum FreePorts {
    static let handedOut = Mutex<Set<Int>>([])

    /// From 10000 up to the start of the ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`, else 32768).
    static let candidates: ClosedRange<Int> = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) }
        return 10_000...(max(first ?? 32768, 11_000) - 1)
    }()
}

/// An error of the test support: what went wrong while starting or stopping a test server.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
