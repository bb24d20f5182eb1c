// ShopDomain: placeholder until its issue lands.
