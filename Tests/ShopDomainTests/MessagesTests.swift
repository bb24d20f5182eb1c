import Testing
import ShopDomain

@Suite struct MessagesTests {
    let alice = Customer(id: EntityID.make(), name: "Alice", email: "alice@server.com")
    let apple = Product(id: EntityID.make(), name: "Apple", price: 12)
    let pear = Product(id: EntityID.make(), name: "Pear", price: 30)

    @Test func welcomeIsTheOriginalText() {
        #expect(Messages.welcome(alice) == "Dear Alice!\n\nWelcome to Ordershop.\n\nCheers")
    }

    @Test func goodbyeIsTheOriginalText() {
        #expect(Messages.goodbye(alice) == "Dear Alice!\n\nGood bye, hope to see you soon again at Ordershop.\n\nCheers")
    }

    @Test func orderConfirmationNamesEveryItemIncludingRepeats() {
        let text = Messages.orderConfirmation(alice, products: [apple, pear, apple])
        #expect(text == "Dear Alice!\n\nThank you for buying following 3 products from Ordershop:\nApple, Pear, Apple\n\nCheers")
    }

    @Test func paymentRequestAsksForTheSumOfThePrices() {
        let text = Messages.paymentRequest(alice, products: [apple, pear, apple])
        #expect(text == "Dear Alice!\n\nPlease transfer € 54 with your favourite payment method.\n\nCheers")
    }

    @Test func paymentReceivedThanksForTheSum() {
        let text = Messages.paymentReceived(alice, products: [pear])
        #expect(text == "Dear Alice!\n\nWe've just received € 30 from you, thank you for your transfer.\n\nCheers")
    }

    @Test func totalBeyondIntIsExactNotACrash() {
        let huge = Product(id: EntityID.make(), name: "Huge", price: Int.max)
        #expect(Messages.total(of: [huge, huge]) == "18446744073709551614")
    }
}
