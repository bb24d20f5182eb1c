import Logging
import NIOCore
import ShopDomain
import ShopRedis

/// The query side of the store: every topic's live documents held in memory and brought up to date from the
/// topic's streams before each read, so a list read costs Redis one small command when nothing changed and a
/// few short ranges when something did, never a pass over the whole projection.
///
/// Read-your-writes: a read first takes the topic's append clock (the id of its newest entry, written by the
/// same script as the entry) and answers only once the cache has applied every entry up to it. Concurrent
/// readers of a stale topic share one catch-up. When the cache cannot follow the streams (first read, Redis
/// flushed or restored, entries trimmed past its position), it loads the projection in pages instead.
public actor DocumentCache {
    let store: EventStore
    /// Entries per stream range and ids per projection page: each command stays well under a millisecond.
    let pageSize: Int
    private var topics: [Topic: TopicState] = [:]

    struct TopicState {
        var list: DocumentList
        var position = EntryID.zero
        var epoch: String?
        var loaded = false
        var refreshing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// Refreshes started, and the number of the last one that completed (they run one at a time).
        var refreshesStarted = 0
        var lastCompleted = 0
    }

    /// A cache over the store's projections; nothing is read until the first query.
    public init(store: EventStore, pageSize: Int = 256) {
        self.store = store
        self.pageSize = pageSize
    }

    /// The topic's live documents, as fresh as Redis was when the call began.
    public func list(_ topic: Topic) async throws -> DocumentList {
        try await lists([topic])[0]
    }

    /// Several topics' documents, each as fresh as Redis was when the call began (their clocks in one round trip).
    public func lists(_ wanted: [Topic]) async throws -> [DocumentList] {
        let clocks = try await store.clocks(wanted)
        // A refresh that starts from here on reads Redis after these clocks: once one has completed, the topic is
        // at least as fresh as they say, whatever they say (also when a clock was made anew meanwhile).
        let started = wanted.map { topics[$0]?.refreshesStarted ?? 0 }
        var result: [DocumentList] = []
        result.reserveCapacity(wanted.count)
        for (index, topic) in wanted.enumerated() {
            result.append(try await fresh(topic, clock: clocks[index], refreshesBefore: started[index]))
        }
        return result
    }

    private func fresh(_ topic: Topic, clock: EventStore.TopicClock, refreshesBefore: Int) async throws -> DocumentList {
        while true {
            let state = topics[topic] ?? TopicState(list: DocumentList(uniqueField: TopicSchema.of(topic).uniqueField))
            if state.lastCompleted > refreshesBefore { return state.list }
            if state.loaded, state.epoch == clock.epoch, state.position >= clock.position { return state.list }
            if state.refreshing {
                await withCheckedContinuation { topics[topic, default: state].waiters.append($0) }
                continue
            }
            topics[topic] = state
            topics[topic]!.refreshing = true
            topics[topic]!.refreshesStarted += 1
            let number = topics[topic]!.refreshesStarted
            do {
                try await refresh(topic, clock: clock)
            } catch {
                finishRefresh(topic, completed: nil)
                throw error
            }
            finishRefresh(topic, completed: number)
        }
    }

    private func finishRefresh(_ topic: Topic, completed number: Int?) {
        if let number { topics[topic]!.lastCompleted = number }
        topics[topic]!.refreshing = false
        let waiters = topics[topic]!.waiters
        topics[topic]!.waiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Catches the topic up to at least `clock`, from the streams or (when they cannot tell) by a paged load.
    private func refresh(_ topic: Topic, clock: EventStore.TopicClock) async throws {
        let state = topics[topic]!
        if state.loaded, state.epoch == clock.epoch {
            var list = state.list
            if let position = try await catchUp(topic, list: &list, from: state.position, checkTrimming: true) {
                list.seal()
                topics[topic]!.list = list
                topics[topic]!.position = max(position, clock.position)
                return
            }
            store.logger.notice("entries were trimmed past the read cache's position; reloading the projection",
                                metadata: ["event.topic": "\(topic.rawValue)"])
        }
        var list = DocumentList(uniqueField: TopicSchema.of(topic).uniqueField)
        let start = try await store.clocks([topic])[0]
        try await loadProjection(topic, into: &list)
        // Whatever changed during the paged load is in the streams after `start`; applying it again is harmless.
        guard let position = try await catchUp(topic, list: &list, from: start.position, checkTrimming: false) else {
            throw EventStoreError(.unexpectedReply, "the streams of \(topic.rawValue) were trimmed during a load")
        }
        list.seal()
        topics[topic]!.list = list
        topics[topic]!.position = max(position, start.position)
        topics[topic]!.epoch = start.epoch
        topics[topic]!.loaded = true
    }
}
