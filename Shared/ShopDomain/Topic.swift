/// The five kinds of entity, one event topic each; the raw value names the streams (`events:{order}_created`).
public enum Topic: String, CaseIterable, Sendable, Codable {
    case customer, product, inventory, order, billing
}
