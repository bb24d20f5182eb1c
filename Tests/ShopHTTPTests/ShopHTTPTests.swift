// ShopHTTPTests: tests land with their module.
