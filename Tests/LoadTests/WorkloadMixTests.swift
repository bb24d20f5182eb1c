import ShopLoad
import Testing

@Suite struct WorkloadMixTests {
    @Test func explicitMixDealsExactProportionsOverACycle() throws {
        let mix = try WorkloadMix(parsing: "orders=60,reads=30,report=10")
        let dealt = (0..<100).map(mix.operation(at:))
        #expect(dealt.filter { $0 == .orders }.count == 60)
        #expect(dealt.filter { $0 == .reads }.count == 30)
        #expect(dealt.filter { $0 == .report }.count == 10)
        #expect(mix.description == "orders=60,reads=30,report=10")
    }

    @Test func dealingIsSmoothNotClumped() throws {
        let mix = try WorkloadMix(parsing: "orders=1,reads=1")
        #expect((0..<6).map(mix.operation(at:)) == [.orders, .reads, .orders, .reads, .orders, .reads])
        let skewed = try WorkloadMix(parsing: "orders=60,reads=30,report=10")
        // No run of more than two reports' worth of gap: the report appears once in every ten requests.
        for start in stride(from: 0, to: 1000, by: 10) {
            #expect((start..<start + 10).filter { skewed.operation(at: $0) == .report }.count == 1)
        }
    }

    @Test(arguments: [
        ("orders", [LoadOperation.orders]),
        ("reads", [.reads]),
        ("mixed", [.orders, .reads, .report]),
        (" orders = 3 , report=1 ", [.orders, .report]),
        ("orders=5,reads=0", [.orders]),
    ])
    func presetsAndListsName(text: String, operations: [LoadOperation]) throws {
        #expect(try WorkloadMix(parsing: text).operations == operations)
    }

    @Test func mixedPresetIsTheIssuesMix() throws {
        #expect(try WorkloadMix(parsing: "mixed") == WorkloadMix(parsing: "orders=60,reads=30,report=10"))
    }

    @Test(arguments: [
        ("", "empty"),
        ("buy=10", "unknown operation 'buy'"),
        ("orders=ten", "whole number"),
        ("orders=-1", "whole number"),
        ("orders=1.5", "whole number"),
        ("orders=1001", "whole number"),
        ("orders=10,orders=20", "appears twice"),
        ("orders=10,", "is not operation=weight"),
        ("orders=0,reads=0", "no operation has a positive weight"),
        ("orders=1=2", "is not operation=weight"),
    ])
    func badMixesAreClearErrors(text: String, fragment: String) {
        do {
            _ = try WorkloadMix(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.code == .invalidMix)
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(error.message.contains("presets"))
        }
    }

    @Test func hugeHostileInputIsCutShortInTheMessage() {
        let text = String(repeating: "x", count: 100_000)
        #expect(throws: LoadError.self) { try WorkloadMix(parsing: text) }
        do { _ = try WorkloadMix(parsing: text) } catch { #expect(error.message.count < 500) }
    }
}
