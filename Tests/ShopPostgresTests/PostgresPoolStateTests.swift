@testable import ShopPostgres
import Testing

/// The pool's bookkeeping as a value, without a server: connections are letters, waiters numbers.
@Suite("PostgresPoolState: leases, waiters, cancellation and closing")
struct PostgresPoolStateTests {
    typealias Pool = PostgresPoolState<String, Int>

    /// The connection a lease got right away, or nil.
    static func used(_ action: Pool.LeaseAction) -> String? {
        if case .use(let connection) = action { return connection }
        return nil
    }

    static func waits(_ action: Pool.LeaseAction) -> Bool {
        if case .wait = action { return true }
        return false
    }

    static func failure(_ action: Pool.LeaseAction) -> (any Error)? {
        if case .fail(let error) = action { return error }
        return nil
    }

    @Test("idle connections are lent until none is left; then leases wait and get released ones in arrival order")
    func waitersAreServedInOrder() {
        var pool = Pool(connections: ["a", "b"])
        let first = pool.newLease(), second = pool.newLease(), third = pool.newLease(), fourth = pool.newLease()
        #expect(Self.used(pool.lease(first, waiter: 1)) == "b")
        #expect(Self.used(pool.lease(second, waiter: 2)) == "a")
        #expect(Self.waits(pool.lease(third, waiter: 3)))
        #expect(Self.waits(pool.lease(fourth, waiter: 4)))
        #expect(pool.lentCount == 2)

        guard case .handTo(let waiter, let connection) = pool.release("b") else { Issue.record("not handed over"); return }
        #expect(waiter == 3 && connection == "b")
        guard case .handTo(let next, "a") = pool.release("a") else { Issue.record("not handed over"); return }
        #expect(next == 4)
        #expect(pool.lentCount == 2, "a connection handed from one lease to the next stays lent")

        guard case .idle(allReturned: false) = pool.release("a") else { Issue.record("not idle"); return }
        guard case .idle(allReturned: false) = pool.release("b") else { Issue.record("not idle"); return }
        #expect(pool.lentCount == 0)
        #expect(Self.used(pool.lease(pool.newLease(), waiter: 5)) == "b", "the connection released last is lent first")
    }

    @Test("a cancelled waiter is taken out of the queue and failed; the next release goes to the one behind it")
    func cancellingAWaiter() {
        var pool = Pool(connections: ["a"])
        #expect(Self.used(pool.lease(pool.newLease(), waiter: 1)) == "a")
        let cancelled = pool.newLease(), kept = pool.newLease()
        #expect(Self.waits(pool.lease(cancelled, waiter: 2)))
        #expect(Self.waits(pool.lease(kept, waiter: 3)))
        #expect(pool.cancel(cancelled) == 2)
        #expect(pool.cancel(cancelled) == nil, "cancelling twice fails nobody twice")
        guard case .handTo(3, "a") = pool.release("a") else { Issue.record("the release did not reach the waiter behind"); return }
    }

    @Test("a lease cancelled before it was queued fails when it gets there, and takes no connection")
    func cancelledBeforeQueued() {
        var pool = Pool(connections: ["a"])
        let id = pool.newLease()
        #expect(pool.cancel(id) == nil)
        #expect(Self.failure(pool.lease(id, waiter: 1)) is CancellationError)
        #expect(pool.lentCount == 0)
        #expect(Self.used(pool.lease(pool.newLease(), waiter: 2)) == "a")
    }

    @Test("close fails the waiters, waits for lent connections (the last release says so), then refuses new leases")
    func closing() {
        var pool = Pool(connections: ["a", "b"])
        #expect(Self.used(pool.lease(pool.newLease(), waiter: 1)) == "b")
        #expect(Self.used(pool.lease(pool.newLease(), waiter: 2)) == "a")
        #expect(Self.waits(pool.lease(pool.newLease(), waiter: 3)))
        guard case .close(let failing, let mustWait) = pool.close() else { Issue.record("did not close"); return }
        #expect(failing == [3])
        #expect(mustWait)
        guard case .alreadyClosed = pool.close() else { Issue.record("closed twice"); return }

        let late = Self.failure(pool.lease(pool.newLease(), waiter: 4)) as? PostgresError
        #expect(late?.code == .clientClosed)
        guard case .idle(allReturned: false) = pool.release("a") else { Issue.record("b is still lent"); return }
        guard case .idle(allReturned: true) = pool.release("b") else { Issue.record("the last release did not say so"); return }
        #expect(Set(pool.takeIdle()) == ["a", "b"])
        #expect(pool.takeIdle().isEmpty)
    }

    @Test("closing with nothing lent does not wait")
    func closingIdle() {
        var pool = Pool(connections: ["a"])
        guard case .close(let failing, let mustWait) = pool.close() else { Issue.record("did not close"); return }
        #expect(failing.isEmpty && !mustWait)
    }
}
