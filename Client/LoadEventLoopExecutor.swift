import NIOCore

/// Runs the virtual users' jobs on the client's event loop, so a request is written and its answer resumes the
/// user on the connection's own thread, without a hop to the cooperative pool and back for every request
/// (the same adapter ShopHTTP's server uses internally for its handlers).
final class LoadEventLoopExecutor: TaskExecutor, Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
