// ShopRedisTests: tests land with their module.
