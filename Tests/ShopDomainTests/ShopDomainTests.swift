// ShopDomainTests: tests land with their module.
