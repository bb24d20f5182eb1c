// swift-tools-version:6.1
import PackageDescription

/// One set of settings for every target: Swift 6 language mode (strict concurrency) and explicit `any`.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let deque = Target.Dependency.product(name: "DequeModule", package: "swift-collections")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// The nine services: executable product name, target name (its folder under Services/).
let services: [(product: String, target: String)] = [
    ("gateway-api", "GatewayAPI"),
    ("customer-service", "CustomerService"),
    ("product-service", "ProductService"),
    ("inventory-service", "InventoryService"),
    ("order-service", "OrderService"),
    ("billing-service", "BillingService"),
    ("crm-service", "CRMService"),
    ("msg-service", "MsgService"),
    ("archive-service", "ArchiveService"),
]

/// The console's files (Services/GatewayAPI/Console/), each served by the gateway at `/console/<name>`.
let consoleFiles = ["index.html", "console.css", "main.js", "api.js", "dom.js", "services.js", "streams.js", "groups.js",
                    "deadletters.js", "events.js", "history.js", "messages.js", "chart.js", "favicon.svg"]

/// The services that react to events with messages (and msg-service, which receives them) share ShopReactions.
let reactingServices: Set<String> = ["BillingService", "CRMService", "MsgService"]

let serviceDependencies: [Target.Dependency] = [
    "ShopAPI", "ShopService", "ShopHTTP", "ShopRedis", "ShopEventStore", "ShopDomain", logging, lifecycle, nioCore,
]

let package = Package(
    name: "OrderShop",
    platforms: [.macOS(.v15)],
    products: services.map { .executable(name: $0.product, targets: [$0.target]) } + [
        .executable(name: "ordershop-client", targets: ["OrderShopClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", path: "Shared/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Shared libraries.
        .target(name: "ShopRedis", dependencies: [nioCore, nioPosix, logging, lifecycle, deque],
                path: "Shared/ShopRedis", swiftSettings: swiftSettings),
        .target(name: "ShopHTTP", dependencies: [nioCore, nioPosix, nioHTTP1, logging, lifecycle, deque],
                path: "Shared/ShopHTTP", swiftSettings: swiftSettings),
        .target(name: "ShopDomain", dependencies: [],
                path: "Shared/ShopDomain", swiftSettings: swiftSettings),
        .target(name: "ShopEventStore", dependencies: ["ShopRedis", "ShopDomain", "CZlib", nioCore, logging, lifecycle, metrics],
                path: "Shared/ShopEventStore", swiftSettings: swiftSettings),
        .target(name: "ShopPostgres", dependencies: ["CLibPQ", nioCore, nioPosix, logging, lifecycle],
                path: "Shared/ShopPostgres", swiftSettings: swiftSettings),
        .target(name: "ShopService", dependencies: ["ShopHTTP", "ShopRedis", nioCore, nioPosix, logging, metrics, prometheus, lifecycle],
                path: "Shared/ShopService", swiftSettings: swiftSettings),
        .target(name: "ShopArchive", dependencies: ["ShopPostgres", "ShopEventStore", "ShopRedis", "ShopDomain", "ShopHTTP", nioCore, logging, metrics, lifecycle],
                path: "Shared/ShopArchive", swiftSettings: swiftSettings),
        .target(name: "ShopAPI", dependencies: ["ShopHTTP", "ShopDomain", "ShopEventStore", "ShopRedis", logging],
                path: "Shared/ShopAPI", swiftSettings: swiftSettings),
        .target(name: "ShopReactions", dependencies: ["ShopService", "ShopEventStore", "ShopHTTP", "ShopDomain", "ShopRedis", logging, lifecycle, nioCore],
                path: "Shared/ShopReactions", swiftSettings: swiftSettings),
        .target(name: "ShopTestSupport", dependencies: [logging, nioCore, nioPosix],
                path: "Shared/ShopTestSupport", swiftSettings: swiftSettings),
    ]
    + services.map {
        .executableTarget(name: $0.target, dependencies: serviceDependencies + ($0.target == "ArchiveService" ? ["ShopPostgres", "ShopArchive"] : [])
                              + (reactingServices.contains($0.target) ? ["ShopReactions"] : []),
                          path: "Services/\($0.target)", swiftSettings: swiftSettings)
    }
    + [
        .executableTarget(name: "OrderShopClient", dependencies: ["ShopHTTP", "ShopRedis", "ShopEventStore", "ShopDomain", "ShopService", "ShopPostgres", "ShopArchive", argumentParser, logging, nioCore, nioPosix, lifecycle],
                          path: "Client", swiftSettings: swiftSettings),

        // Tests.
        .testTarget(name: "ShopHTTPTests", dependencies: ["ShopHTTP", "ShopTestSupport", nioCore, nioPosix, logging, lifecycle],
                    path: "Tests/ShopHTTPTests", swiftSettings: swiftSettings),
        .testTarget(name: "ShopRedisTests", dependencies: ["ShopRedis", "ShopTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
                                                          .product(name: "NIOEmbedded", package: "swift-nio"), nioCore, nioPosix, logging, lifecycle],
                    path: "Tests/ShopRedisTests", swiftSettings: swiftSettings),
        .testTarget(name: "ShopAPITests", dependencies: ["ShopAPI", "ShopHTTP", "ShopDomain", "ShopEventStore", "ShopRedis", logging],
                    path: "Tests/ShopAPITests", swiftSettings: swiftSettings),
        .testTarget(name: "ShopDomainTests", dependencies: ["ShopDomain"],
                    path: "Tests/ShopDomainTests", swiftSettings: swiftSettings),
        .testTarget(name: "ShopEventStoreTests", dependencies: ["ShopEventStore", "ShopRedis", "ShopDomain", "ShopTestSupport", lifecycle, logging],
                    path: "Tests/ShopEventStoreTests", swiftSettings: swiftSettings),
        .testTarget(name: "ShopPostgresTests", dependencies: ["ShopPostgres", "ShopTestSupport"],
                    path: "Tests/ShopPostgresTests", swiftSettings: swiftSettings),
        .testTarget(name: "ShopServiceTests", dependencies: ["ShopService", "ShopHTTP", "ShopTestSupport", logging],
                    path: "Tests/ShopServiceTests", swiftSettings: swiftSettings),
        .testTarget(name: "ArchiveTests", dependencies: ["ShopArchive", "ShopEventStore", "ShopPostgres", "ShopRedis", "ShopDomain", "ShopHTTP", "ShopTestSupport", logging, nioCore],
                    path: "Tests/ArchiveTests", swiftSettings: swiftSettings),
        .testTarget(name: "EndToEndTests", dependencies: ["ShopTestSupport", "ShopHTTP", "ShopService", "ShopEventStore", "ShopRedis", "ShopDomain", logging, nioPosix],
                    path: "Tests/EndToEndTests", swiftSettings: swiftSettings),
    ]
)

// The load generator (issue 8): ShopLoad and its tests, HdrHistogram for the client. Added here, apart from the
// expression above, so that expression stays simple enough for the manifest's type checker.
let histogram = Target.Dependency.product(name: "Histogram", package: "hdrhistogram-swift")
package.dependencies.append(.package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"))
package.targets += [
    .target(name: "ShopLoad", dependencies: ["ShopDomain", histogram],
            path: "Shared/ShopLoad", swiftSettings: swiftSettings),
    .testTarget(name: "LoadTests", dependencies: ["ShopLoad", "ShopDomain", "ShopService", "ShopHTTP", histogram, "ShopTestSupport", logging],
                path: "Tests/LoadTests", swiftSettings: swiftSettings),
]
for target in package.targets where target.name == "OrderShopClient" {
    target.dependencies += ["ShopLoad", histogram]
}

// The order benchmarks (issue 8, bench): bench-orders and bench-scale against a real redis-server.
package.targets.append(
    .testTarget(name: "BenchTests", dependencies: ["OrderShopClient", "ShopEventStore", "ShopRedis", "ShopDomain", "ShopTestSupport", logging],
                path: "Tests/BenchTests", swiftSettings: swiftSettings))

// The API's description (issue 15): gateway-api embeds the JSON form of openapi.yaml and serves it at /openapi.json.
for target in package.targets where target.name == "GatewayAPI" {
    // The console's files are built into the executable (see Services/GatewayAPI/ConsoleRoutes.swift for why).
    target.resources = [.embedInCode("openapi.json")] + consoleFiles.map { .embedInCode("Console/" + $0) }
}
