import Synchronization

/// Hands out request numbers 0, 1, 2, … to the virtual users.
final class TicketDispenser: Sendable {
    private let next = Atomic<Int>(0)

    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}
