// ShopTestSupport: placeholder until its issue lands.
