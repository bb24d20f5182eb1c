// ShopPostgres: placeholder until its issue lands.
