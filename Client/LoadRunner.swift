import Foundation
import Logging
import ShopHTTP
import ShopLoad

/// Drives the virtual users: one per connection, each taking the next request number, in the closed model as
/// soon as its previous answer came, in the open model at the request's due time.
struct LoadRunner: Sendable {
    /// How a run is paced and when it ends.
    struct Plan: Sendable {
        var connections: Int
        var mix: WorkloadMix
        /// The open model's timetable; nil for the closed model.
        var schedule: OpenModelSchedule?
        /// No request starts (closed) or falls due (open) after this; nil to run until `requests`.
        var duration: Duration?
        /// No more than this many requests; nil to run for `duration`.
        var requests: Int?
        /// Print a progress line every second.
        var showProgress: Bool
        /// Reads send `If-None-Match` with the `ETag` of the same list's last answer on that connection (304 is ok).
        var conditional = false
    }

    let gateway: LoadGateway
    let plan: Plan
    let fixture: LoadFixture
    let recorder: LoadRecorder
    /// Where the virtual users run: the client's event loop (see ShopHTTP's `EventLoopTaskExecutor`).
    let executor: EventLoopTaskExecutor

    /// Runs the load and returns how long it took, from the first request until the last answer.
    func run() async -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let tickets = TicketDispenser()
        await withTaskGroup(of: Void.self) { group in
            if plan.showProgress {
                group.addTask { await showProgress(start: start) }
            }
            await withTaskGroup(of: Void.self) { users in
                for _ in 0..<plan.connections {
                    users.addTask(executorPreference: executor) { await runVirtualUser(start: start, tickets: tickets) }
                }
            }
            group.cancelAll()
        }
        return clock.now - start
    }

    private func runVirtualUser(start: ContinuousClock.Instant, tickets: TicketDispenser) async {
        let clock = ContinuousClock()
        let end = plan.duration.map { start + $0 }
        var etags: [String: String] = [:]   // path → the ETag of its last answer on this connection
        while !Task.isCancelled {
            let ticket = tickets.take()
            if let limit = plan.requests, ticket >= limit { return }
            let due: ContinuousClock.Instant
            if let schedule = plan.schedule {
                due = start + schedule.dueOffset(of: ticket)
                // Past the end nothing more is sent, also what fell due in time but could not be sent yet
                // (the summary counts those as unsent).
                if let end, due >= end || clock.now >= end { return }
                if due > clock.now {
                    do { try await Task.sleep(until: due, tolerance: .microseconds(100), clock: clock) } catch { return }
                }
            } else {
                due = clock.now
                if let end, due >= end { return }
            }
            await perform(plan.mix.operation(at: ticket), ticket: ticket, due: due, clock: clock, etags: &etags)
        }
    }

    /// Sends one request and records it, its latency counted from `due` (the open model's correction).
    private func perform(_ operation: LoadOperation, ticket: Int, due: ContinuousClock.Instant, clock: ContinuousClock,
                         etags: inout [String: String]) async {
        let answer: LoadGateway.Answer
        var order: (id: String, products: [String])?
        switch operation {
        case .orders:
            let products = fixture.orderProducts(ticket: ticket)
            answer = await gateway.send(.POST, "/orders",
                                        json: LoadFixture.orderJSON(products: products, customer: fixture.customer(ticket: ticket)))
            if let status = answer.status, (200..<300).contains(status) {
                if let ids = try? GatewayJSON.ids(answer.bytes), ids.count == 1 {
                    order = (ids[0], products)
                } else {
                    // Accepted, but the answer does not say as what: the checks cannot follow it, so it is an error.
                    recorder.record(operation, latency: clock.now - due, status: status, outcome: .failed, serverError: true)
                    return
                }
            }
        case .reads, .report:
            let path = operation == .reads ? "/orders" : "/report"
            answer = await gateway.send(.GET, path, ifNoneMatch: plan.conditional ? etags[path] : nil)
            if plan.conditional, let etag = answer.etag { etags[path] = etag }
        }
        let latency = clock.now - due
        let outcome = answer.status.map(operation.outcome(status:)) ?? .failed
        let serverError = answer.status.map { $0 >= 500 } ?? true
        recorder.record(operation, latency: latency, status: answer.status, outcome: outcome, serverError: serverError,
                        acceptedOrder: order)
    }

    /// Requests of the open model due within `elapsed`, within the run's limits.
    func dueCount(_ schedule: OpenModelSchedule, within elapsed: Duration) -> Int {
        let limit = Swift.min(plan.duration.map { schedule.dueCount(within: $0) } ?? .max, plan.requests ?? .max)
        return Swift.min(schedule.dueCount(within: elapsed), limit)
    }

    /// A line on stderr each second: the last second's rate, failures and p99 so far.
    private func showProgress(start: ContinuousClock.Instant) async {
        var second = 1
        var lastRequests = 0
        while true {
            do { try await Task.sleep(until: start + .seconds(second), clock: .continuous) } catch { return }
            let (requests, failed, p99) = recorder.progress()
            let due = plan.schedule.map { dueCount($0, within: .seconds(second)) }
            let line = LoadReport.progressLine(elapsed: .seconds(second), requests: requests,
                                               intervalRate: Double(requests - lastRequests), errors: failed,
                                               p99Milliseconds: p99, behind: due.map { $0 - requests })
            FileHandle.standardError.write(Data((line + "\n").utf8))
            lastRequests = requests
            second += 1
        }
    }
}
