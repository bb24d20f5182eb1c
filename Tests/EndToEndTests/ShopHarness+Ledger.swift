import ShopStockLedger

extension ShopHarness {
    /// The stock ledger on the harness's store.
    var ledger: StockLedger { StockLedger(store: store, logger: store.logger) }
}
