// ShopHTTP: placeholder until its issue lands.
