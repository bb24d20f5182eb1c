// ShopEventStore: placeholder until its issue lands.
