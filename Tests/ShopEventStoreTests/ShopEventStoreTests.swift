// ShopEventStoreTests: tests land with their module.
