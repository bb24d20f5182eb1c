/// A TCP port on 127.0.0.1 that nobody listens on right now, for a test server to bind.
///
/// The kernel picks it (bind to port 0); the port is free when this returns, and the kernel
/// does not hand the same ephemeral port out again soon, so the race with other tests is negligible.
public func freePort() throws -> Int {
    let socket = try LoopbackSocket()
    try socket.bindToPort(0)
    return try socket.localPort()
}

/// An error of the test support: what went wrong while starting or stopping a test server.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
