import Logging
import ServiceLifecycle
import ShopEventStore

/// Releases stock reservations whose order was never written (the service died between reserving and appending,
/// or Redis went away), so stock never leaks: every `grace / 2`, reservations older than `grace` without an order.
struct ReservationReconciler: Service {
    let store: EventStore
    let grace: Duration
    let logger: Logger

    func run() async throws {
        let store = self.store
        let grace = self.grace
        let logger = self.logger
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let released = try await store.reconcileReservations(olderThan: grace) { orderID in
                        try await store.exists(.order, ids: [orderID]).first ?? false
                    }
                    if released > 0 { logger.notice("released reservations without an order", metadata: ["reservations.released": "\(released)"]) }
                } catch {
                    logger.warning("reservation reconciliation failed; retrying later", metadata: ["error.message": "\(error)"])
                }
                try await Task.sleep(for: grace / 2)
            }
        }
    }
}
