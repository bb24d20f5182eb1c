// ShopServiceTests: tests land with their module.
