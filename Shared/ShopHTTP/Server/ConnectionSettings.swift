// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import NIOCore
import Logging

/// What every connection of one server shares: routes, limits, logger and the metrics callback.
struct ConnectionSettings: Sendable {
    let router: Router
    let configuration: HTTPServerConfiguration
    let logger: Logger
    let onRequestCompleted: (@Sendable (RequestRecord) -> Void)?
    /// How often a connection's deadline is checked at most; see `HTTPServerHandler+Deadlines`.
    let deadlineTick: TimeAmount

    init(router: Router, configuration: HTTPServerConfiguration, logger: Logger,
         onRequestCompleted: (@Sendable (RequestRecord) -> Void)?) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
        self.onRequestCompleted = onRequestCompleted
        self.deadlineTick = TimeAmount(min(configuration.headerReadTimeout, configuration.idleTimeout))
    }
}

extension TimeAmount {
    /// NIO's time amount for a Swift `Duration` (nanosecond precision, negative clamped to zero).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(nanoseconds.overflow ? .max : max(0, nanoseconds.partialValue + attoseconds / 1_000_000_000))
    }
}
