import Foundation

/// The e-mail texts the shop sends, word for word those of the original OrderShop (crm-service, billing-service).
public enum Messages {
    /// crm-service on `customer_created`.
    public static func welcome(_ customer: Customer) -> String {
        letter(to: customer, "Welcome to Ordershop.")
    }

    /// crm-service on `customer_deleted`.
    public static func goodbye(_ customer: Customer) -> String {
        letter(to: customer, "Good bye, hope to see you soon again at Ordershop.")
    }

    /// crm-service on `order_created`: `products` holds one product per id of the order, repeats included, in order.
    public static func orderConfirmation(_ customer: Customer, products: [Product]) -> String {
        let names = products.map(\.name).joined(separator: ", ")
        return letter(to: customer, "Thank you for buying following \(products.count) products from Ordershop:\n\(names)")
    }

    /// billing-service on `order_created`: asks for the sum of the prices (one product per id, repeats included).
    public static func paymentRequest(_ customer: Customer, products: [Product]) -> String {
        letter(to: customer, "Please transfer € \(total(of: products)) with your favourite payment method.")
    }

    /// billing-service on `billing_created`: thanks for the sum of the billed order's prices.
    public static func paymentReceived(_ customer: Customer, products: [Product]) -> String {
        letter(to: customer, "We've just received € \(total(of: products)) from you, thank you for your transfer.")
    }

    /// The sum of the prices; never overflows (beyond `Int`, it is summed as a `Decimal`).
    public static func total(of products: [Product]) -> String {
        var sum = 0
        for product in products {
            let (next, overflow) = sum.addingReportingOverflow(product.price)
            if overflow { return "\(products.reduce(Decimal(0)) { $0 + Decimal($1.price) })" }
            sum = next
        }
        return String(sum)
    }

    private static func letter(to customer: Customer, _ body: String) -> String {
        "Dear \(customer.name)!\n\n\(body)\n\nCheers"
    }
}
