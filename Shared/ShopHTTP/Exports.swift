// Services name HTTP methods, statuses, headers and buffers through ShopHTTP alone.
@_exported import NIOCore
@_exported import NIOHTTP1
@_exported import ShopTracing
