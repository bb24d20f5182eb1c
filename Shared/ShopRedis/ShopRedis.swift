// ShopRedis: placeholder until its issue lands.
