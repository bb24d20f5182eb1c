import NIOCore

/// Runs a task's jobs on one event loop, so a handler starts and resumes on its connection's loop
/// without hopping to the cooperative pool and back for every request (also used by the client's load and benchmarks).
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
