import NIOCore
import Testing
@testable import ShopRedis

@Suite("Connection state machine")
struct RedisConnectionStateMachineTests {
    typealias Machine = RedisConnectionStateMachine<String>
    let later = NIODeadline.now() + .seconds(60)

    @Test func completesRepliesInFIFOOrder() {
        var machine = Machine()
        guard case .write = machine.send(.single("a", deadline: later)), case .write = machine.send(.single("b", deadline: later)) else {
            Issue.record("an active machine writes")
            return
        }
        guard case .succeed("a", .integer(1)) = machine.receive(.integer(1)) else { Issue.record("first reply to a"); return }
        guard case .succeed("b", .integer(2)) = machine.receive(.integer(2)) else { Issue.record("second reply to b"); return }
        #expect(machine.pending.isEmpty)
    }

    @Test func aServerErrorFailsOnlyItsOwnCommand() {
        var machine = Machine()
        _ = machine.send(.single("a", deadline: later))
        _ = machine.send(.single("b", deadline: later))
        let error = RedisServerError(prefix: "WRONGTYPE", message: "nope")
        guard case .failWithServerError("a", error) = machine.receive(.error(error)) else { Issue.record("a fails"); return }
        guard case .succeed("b", _) = machine.receive(.simpleString(ByteBuffer(string: "OK"))) else { Issue.record("b succeeds"); return }
        #expect(machine.isActive)
    }

    @Test func gathersAPipelinesRepliesWithErrorsInPlace() {
        var machine = Machine()
        _ = machine.send(.pipeline("p", remaining: 3, results: [], deadline: later))
        _ = machine.send(.single("after", deadline: later))
        guard case .none = machine.receive(.integer(1)) else { Issue.record("waits"); return }
        guard case .none = machine.receive(.error(RedisServerError(prefix: "ERR", message: "x"))) else { Issue.record("waits"); return }
        guard case .succeedPipeline("p", let results) = machine.receive(.integer(3)) else { Issue.record("completes"); return }
        #expect(results.count == 3)
        #expect((try? results[0].get()) == .integer(1))
        #expect(throws: RedisServerError.self) { try results[1].get() }
        guard case .succeed("after", _) = machine.receive(.null) else { Issue.record("next command"); return }
    }

    @Test func anUnsolicitedReplyClosesAndFailsEverything() {
        var machine = Machine()
        guard case .close(let error, let failed) = machine.receive(.integer(1)) else { Issue.record("closes"); return }
        #expect(error.code == .protocolError)
        #expect(failed.isEmpty)
        guard case .fail("late", _) = machine.send(.single("late", deadline: later)) else { Issue.record("refuses after close"); return }
    }

    @Test func pushMessagesAreNotReplies() {
        var machine = Machine()
        _ = machine.send(.single("a", deadline: later))
        guard case .none = machine.receive(.push([.simpleString(ByteBuffer(string: "invalidate"))])) else { Issue.record("ignored"); return }
        guard case .succeed("a", _) = machine.receive(.integer(1)) else { Issue.record("a still waits"); return }
    }

    @Test func closingFailsEveryPendingCommandOnce() {
        var machine = Machine()
        _ = machine.send(.single("a", deadline: later))
        _ = machine.send(.pipeline("p", remaining: 2, results: [], deadline: later))
        guard case .close(_, let failed) = machine.close(RedisClientError(.connectionClosed, "bye")) else { Issue.record("close"); return }
        #expect(failed.count == 2)
        guard case .close(_, let again) = machine.close(RedisClientError(.connectionClosed, "bye")) else { Issue.record("close"); return }
        #expect(again.isEmpty)
    }

    @Test func timesOutOnlyWhenTheOldestDeadlinePassed() {
        var machine = Machine()
        let now = NIODeadline.now()
        _ = machine.send(.single("a", deadline: now + .seconds(1)))
        #expect(machine.checkTimeout(now: now) == nil)
        guard case .close(let error, let failed)? = machine.checkTimeout(now: now + .seconds(2)) else { Issue.record("times out"); return }
        #expect(error.code == .timeout)
        #expect(failed.count == 1)
        #expect(!machine.isActive)
    }
}
