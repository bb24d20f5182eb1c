// ShopService: placeholder until its issue lands.
