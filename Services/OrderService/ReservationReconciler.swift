import Logging
import ServiceLifecycle
import ShopStockLedger

/// Releases stock reservations whose order was never written (the service died between reserving and appending,
/// or Redis went away), so stock never leaks: every `grace / 2`, reservations older than `grace` without an order, each reservation checked once.
struct ReservationReconciler: Service {
    let ledger: StockLedger
    let grace: Duration
    let logger: Logger

    func run() async throws {
        let ledger = self.ledger
        let grace = self.grace
        let logger = self.logger
        try? await cancelWhenGracefulShutdown {
            // Reservations taken up to this time were checked: each pass looks only at newer ones.
            var checkedThrough: Int64?
            while !Task.isCancelled {
                do {
                    let pass = try await ledger.reconcile(olderThan: grace, checkedThrough: checkedThrough)
                    checkedThrough = pass.checkedThrough
                    if pass.released > 0 {
                        logger.notice("released reservations without an order", metadata: ["reservations.released": "\(pass.released)"])
                    }
                } catch {
                    logger.warning("reservation reconciliation failed; retrying later", metadata: ["error.message": "\(error)"])
                }
                try await Task.sleep(for: grace / 2)
            }
        }
    }
}
