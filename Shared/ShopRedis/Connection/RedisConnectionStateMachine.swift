import DequeModule
import NIOCore

/// The replies a connection waits for, in FIFO order, and what to do with each frame that arrives.
/// Pure value logic (generic over the promise type) so it is tested without I/O.
struct RedisConnectionStateMachine<Promise> {
    /// One command (or one pipeline of commands) waiting for its replies.
    enum Pending {
        case single(Promise, deadline: NIODeadline)
        case pipeline(Promise, remaining: Int, results: [Result<RESPValue, RedisServerError>], deadline: NIODeadline)

        var deadline: NIODeadline {
            switch self {
            case .single(_, let deadline), .pipeline(_, _, _, let deadline): return deadline
            }
        }
    }

    enum State {
        case active
        case closed(RedisClientError)
    }

    enum SendAction {
        /// Write the encoded command; its replies are now expected.
        case write
        /// The connection is closed: fail the command's promise.
        case fail(Promise, RedisClientError)
    }

    enum ReplyAction {
        case succeed(Promise, RESPValue)
        case failWithServerError(Promise, RedisServerError)
        case succeedPipeline(Promise, [Result<RESPValue, RedisServerError>])
        /// A pipeline still waits for more replies, or an out-of-band push message was ignored.
        case none
        /// A reply nobody asked for: the stream is out of sync; close and fail everything.
        case close(RedisClientError, [Pending])
    }

    private(set) var state: State = .active
    private(set) var pending: Deque<Pending> = []

    var isActive: Bool {
        if case .active = state { return true }
        return false
    }

    mutating func send(_ entry: Pending) -> SendAction {
        switch state {
        case .active:
            pending.append(entry)
            return .write
        case .closed(let error):
            switch entry {
            case .single(let promise, _), .pipeline(let promise, _, _, _): return .fail(promise, error)
            }
        }
    }

    mutating func receive(_ value: RESPValue) -> ReplyAction {
        guard case .active = state else { return .none }
        if case .push = value { return .none }
        guard var first = pending.popFirst() else {
            return close(RedisClientError(.protocolError, "reply received with no command waiting"))
        }
        switch first {
        case .single(let promise, _):
            if case .error(let error) = value { return .failWithServerError(promise, error) }
            return .succeed(promise, value)
        case .pipeline(let promise, let remaining, var results, let deadline):
            first = .single(promise, deadline: deadline)  // drop the second reference so `results` grows in place
            if case .error(let error) = value {
                results.append(.failure(error))
            } else {
                results.append(.success(value))
            }
            if remaining == 1 { return .succeedPipeline(promise, results) }
            first = .pipeline(promise, remaining: remaining - 1, results: results, deadline: deadline)
            pending.prepend(first)
            return .none
        }
    }

    /// Closes the machine: every waiting command must be failed with `error`.
    mutating func close(_ error: RedisClientError) -> ReplyAction {
        guard case .active = state else { return .close(error, []) }
        state = .closed(error)
        let failed = Array(pending)
        pending.removeAll()
        return .close(error, failed)
    }

    /// The oldest command's deadline passed: close, since later replies cannot overtake it.
    mutating func checkTimeout(now: NIODeadline) -> ReplyAction? {
        guard case .active = state, let first = pending.first, first.deadline < now else { return nil }
        return close(RedisClientError(.timeout, "no reply from Redis within the command timeout"))
    }
}
