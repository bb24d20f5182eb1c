// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import Logging
import NIOCore
import NIOHTTP1
import ShopBasics

extension HTTPServerHandler {
    /// Routes a complete request and runs its handler; the response comes back through `finish`.
    func dispatch(_ pending: PendingRequest, sequence: Int) {
        let head = pending.head
        let uri = head.uri
        let path: String
        let query: [String: String]
        if let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(uri[..<mark])
            query = PercentDecoding.query(uri[uri.index(after: mark)...])
        } else {
            path = uri
            query = [:]
        }
        let requestID: String
        if let incoming = head.headers.first(name: "x-request-id"), RequestIDGenerator.isAcceptable(incoming) {
            requestID = incoming
        } else {
            requestID = self.requestIDs.next()
        }

        let handler: Handler
        let route: String
        let parameters: [String: String]
        switch self.settings.router.resolve(head.method, path: path) {
        case .notFound:
            let error = HTTPError(.notFound, "no route for \(head.method.rawValue) \(path)")
            return self.write(.error(error), for: pending, route: "unmatched", requestID: requestID)
        case .methodNotAllowed(let allowed, let pattern):
            var response = Response.error(HTTPError(.methodNotAllowed, "method \(head.method.rawValue) not allowed on \(pattern)"))
            response.headers.add(name: "allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            return self.write(response, for: pending, route: pattern, requestID: requestID)
        case .matched(let found, let pattern, let values):
            (handler, route, parameters) = (found, pattern, values)
        }
        if let refusal = Self.contentTypeRefusal(pending) {
            return self.write(.error(refusal), for: pending, route: route, requestID: requestID)
        }

        var incoming = Request(
            method: head.method, path: path, query: query, headers: head.headers, body: pending.body,
            parameters: parameters, requestID: requestID, logger: self.settings.logger
        )
        incoming.traceParent = head.headers.first(name: "traceparent").flatMap { TraceParent($0) }
        incoming.correlationID = incoming.traceParent?.traceID ?? self.requestIDs.next() + self.requestIDs.next()
        let request = incoming
        let eventLoop = self.executor.eventLoop
        let connection = NIOLoopBound(self, eventLoop: eventLoop)
        let operation: @Sendable () async -> Void = {
            let response = await RequestTracing.serve(request, route: route) { request in await Self.run(handler, request) }
            if eventLoop.inEventLoop {
                connection.value.finish(response, for: pending, route: route, requestID: requestID, sequence: sequence)
            } else {
                eventLoop.execute {
                    connection.value.finish(response, for: pending, route: route, requestID: requestID, sequence: sequence)
                }
            }
        }
        // An immediate task runs the handler right here until it first suspends: a handler that does not
        // suspend answers within this read burst, and its response is flushed once in channelReadComplete.
        let task: Task<Void, Never>
        if #available(macOS 26.0, iOS 26.0, tvOS 26.0, watchOS 26.0, *) {
            task = Task.immediate(executorPreference: self.executor, operation: operation)
        } else {
            task = Task(executorPreference: self.executor, operation: operation)
        }
        if self.machine.inFlight == sequence { self.handlerTask = task }
    }

    /// Runs a handler; an `HTTPError` becomes its JSON error, anything else a generic 500 logged with details.
    private static func run(_ handler: Handler, _ request: Request) async -> Response {
        do {
            return try await handler(request)
        } catch let error as HTTPError {
            return .error(error)
        } catch is CancellationError where Task.isCancelled {
            // The connection went away and took the request with it; nobody is left to answer.
            request.logger.debug("request cancelled: the connection closed")
            return .error(HTTPError(.serviceUnavailable, "request cancelled"))
        } catch {
            request.logger.error("request failed", metadata: [
                "error.message": "\(String(reflecting: error))", "http.method": "\(request.method.rawValue)", "http.path": "\(request.path)",
            ])
            return .error(HTTPError(.internalServerError, "internal server error"))
        }
    }

    /// A JSON API refuses POST/PUT/PATCH bodies declared as something else (415); no Content-Type is accepted.
    private static func contentTypeRefusal(_ pending: PendingRequest) -> HTTPError? {
        switch pending.head.method {
        case .POST, .PUT, .PATCH: break
        default: return nil
        }
        guard pending.body.readableBytes > 0, let declared = pending.head.headers.first(name: "content-type") else { return nil }
        let mediaType = declared.split(separator: ";", maxSplits: 1).first.map { HeaderValues.trimmed($0).lowercased() } ?? ""
        if mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json")) {
            return nil
        }
        return HTTPError(.unsupportedMediaType, "unsupported Content-Type '\(declared)', expected application/json")
    }


    /// A handler's response arrived: write it if it is still the one this connection waits for.
    func finish(_ response: Response, for pending: PendingRequest, route: String, requestID: String, sequence: Int) {
        guard self.machine.awaits(sequence) else { return }
        self.handlerTask = nil
        self.write(response, for: pending, route: route, requestID: requestID)
    }

    private func write(_ response: Response, for pending: PendingRequest, route: String, requestID: String) {
        if let onRequestCompleted = self.settings.onRequestCompleted, let startedAt = pending.startedAt {
            onRequestCompleted(RequestRecord(
                route: route, method: pending.head.method.rawValue, status: Int(response.status.code),
                duration: .now - startedAt
            ))
        }
        self.write(response, for: pending.head, requestID: requestID, closeAfter: self.machine.closesAfterResponse(to: pending.head))
    }

    /// Writes one whole response, then closes or moves on to the next queued request.
    func write(_ response: Response, for head: HTTPRequestHead?, requestID: String?, closeAfter: Bool) {
        guard let context = self.context else { return }
        let version = head?.version ?? .http1_1
        var headers = response.headers
        if response.status == .notModified {
            // No content, and no Content-Length: in a 304 it would have to be the length of the 200's body.
            headers.remove(name: "content-length")
        } else {
            headers.replaceOrAdd(name: "content-length", value: String(response.bodyLength))
        }
        headers.add(name: "date", value: self.dates.current())
        if let requestID { headers.add(name: "x-request-id", value: requestID) }
        if closeAfter {
            headers.replaceOrAdd(name: "connection", value: "close")
        } else if version == .http1_0 {
            headers.replaceOrAdd(name: "connection", value: "keep-alive")
        }
        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
        if head?.method != .HEAD, response.status != .notModified {
            if response.bodyLength > Self.bodySliceSize {
                self.writeInSlices(BodySlices(response.bodyParts), context: context) { handler in
                    handler.finishResponse(closeAfter: closeAfter)
                }
                return
            }
            for part in response.bodyParts where part.readableBytes > 0 {
                context.write(self.wrapOutboundOut(.body(.byteBuffer(part))), promise: nil)
            }
        }
        self.finishResponse(closeAfter: closeAfter)
    }

    /// The body is written: end the response, then close or move on to the next queued request.
    func finishResponse(closeAfter: Bool) {
        guard let context = self.context else { return }
        let flushNow = self.machine.responseWritten(closeAfter: closeAfter)
        if closeAfter {
            self.closeAfterWriting(context)
            return
        }
        context.write(self.wrapOutboundOut(.end(nil)), promise: nil)
        if flushNow { context.flush() }
        self.perform(self.machine.startNext(now: .now()))
    }
}
