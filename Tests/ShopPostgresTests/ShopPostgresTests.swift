// ShopPostgresTests: tests land with their module.
