import ShopStockLedger

extension ArchiveHarness {
    /// The stock ledger on the harness's store.
    var ledger: StockLedger { StockLedger(store: store, logger: logger) }
}
