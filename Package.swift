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
let histogram = Target.Dependency.product(name: "Histogram", package: "hdrhistogram-swift")
let tracing = Target.Dependency.product(name: "Tracing", package: "swift-distributed-tracing")
let inMemoryTracing = Target.Dependency.product(name: "InMemoryTracing", package: "swift-distributed-tracing")
/// OpenTelemetry export (swift-otel, OTLP/HTTP) only in builds with the `OTel` trait (`make up OTEL=1`): swift-otel and
/// its dependencies take minutes to compile, so the default build, `make up` and `make test` leave them out.
let otel = Target.Dependency.product(name: "OTel", package: "swift-otel", condition: .when(traits: ["OTel"]))

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

/// The services that react to events with messages (and msg-service, which receives them, and the gateway, which
/// shows who sent them) share ShopReactions.
let reactingServices: Set<String> = ["BillingService", "CRMService", "MsgService", "GatewayAPI"]

let serviceDependencies: [Target.Dependency] = [
    "ShopAPI", "ShopService", "ShopHTTP", "ShopEventStore", "ShopDomain", "ShopJSON", logging, lifecycle, nioCore,
]

/// The shared libraries, one folder each under Shared/, and the two C libraries they wrap.
let libraries: [Target] = [
    .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
    .systemLibrary(name: "CZlib", path: "Shared/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "ShopBasics", dependencies: [],
            path: "Shared/ShopBasics", swiftSettings: swiftSettings),
    .target(name: "ShopTracing", dependencies: ["ShopBasics", tracing],
            path: "Shared/ShopTracing", swiftSettings: swiftSettings),
    .target(name: "ShopRedis", dependencies: ["ShopTracing", tracing, nioCore, nioPosix, logging, lifecycle, deque],
            path: "Shared/ShopRedis", swiftSettings: swiftSettings),
    .target(name: "ShopHTTP", dependencies: ["ShopBasics", "ShopJSON", "ShopTracing", tracing, nioCore, nioPosix, nioHTTP1, logging, lifecycle, deque],
            path: "Shared/ShopHTTP", swiftSettings: swiftSettings),
    .target(name: "ShopJSON", dependencies: ["ShopBasics", nioCore],
            path: "Shared/ShopJSON", swiftSettings: swiftSettings),
    .target(name: "ShopDomain", dependencies: ["ShopBasics", "ShopJSON"],
            path: "Shared/ShopDomain", swiftSettings: swiftSettings),
    .target(name: "ShopEventStore", dependencies: ["ShopBasics", "ShopRedis", "ShopDomain", "ShopJSON", "ShopTracing", "CZlib", tracing, nioCore, logging, lifecycle, metrics],
            path: "Shared/ShopEventStore", swiftSettings: swiftSettings),
    .target(name: "ShopStockLedger", dependencies: ["ShopBasics", "ShopEventStore", "ShopDomain", "ShopRedis", logging],
            path: "Shared/ShopStockLedger", swiftSettings: swiftSettings),
    .target(name: "ShopPostgres", dependencies: ["ShopBasics", "CLibPQ", nioCore, nioPosix, logging, lifecycle],
            path: "Shared/ShopPostgres", swiftSettings: swiftSettings),
    .target(name: "ShopService", dependencies: ["ShopBasics", "ShopHTTP", "ShopRedis", "ShopDomain", "ShopTracing", tracing, inMemoryTracing, otel, nioCore, nioPosix, logging, metrics, prometheus, lifecycle],
            path: "Shared/ShopService", swiftSettings: swiftSettings),
    .target(name: "ShopArchive", dependencies: ["ShopBasics", "ShopPostgres", "ShopEventStore", "ShopStockLedger", "ShopRedis", "ShopDomain", "ShopHTTP", nioCore, logging, metrics, lifecycle],
            path: "Shared/ShopArchive", swiftSettings: swiftSettings),
    .target(name: "ShopAPI", dependencies: ["ShopHTTP", "ShopDomain", "ShopJSON", "ShopEventStore", logging],
            path: "Shared/ShopAPI", swiftSettings: swiftSettings),
    .target(name: "ShopReactions", dependencies: ["ShopJSON", "ShopService", "ShopEventStore", "ShopHTTP", "ShopDomain", "ShopRedis", logging, lifecycle, nioCore],
            path: "Shared/ShopReactions", swiftSettings: swiftSettings),
    .target(name: "ShopLoad", dependencies: ["ShopDomain", histogram],
            path: "Shared/ShopLoad", swiftSettings: swiftSettings),
    .target(name: "ShopTestSupport", dependencies: [logging, nioCore, nioPosix],
            path: "Shared/ShopTestSupport", swiftSettings: swiftSettings),
]

/// The nine services, one folder each under Services/; gateway-api embeds openapi.json and the console's files.
let serviceTargets: [Target] = services.map { service in
    var dependencies = serviceDependencies
    if service.target == "ArchiveService" { dependencies += ["ShopPostgres", "ShopArchive"] }
    if reactingServices.contains(service.target) { dependencies += ["ShopReactions"] }
    if service.target == "OrderService" { dependencies += ["ShopStockLedger"] }
    if service.target == "GatewayAPI" { dependencies += ["ShopRedis"] }  // GET /messages reads the stream itself still
    let resources: [Resource]? = service.target == "GatewayAPI"
        ? [.embedInCode("openapi.json")] + consoleFiles.map { .embedInCode("Console/" + $0) }
        : nil
    return .executableTarget(name: service.target, dependencies: dependencies, path: "Services/\(service.target)",
                             resources: resources, swiftSettings: swiftSettings)
}

/// The command-line tools: the client (Client/) and the benchmarks (Benchmarks/OrderShopBench/).
let tools: [Target] = [
    .executableTarget(name: "OrderShopClient", dependencies: ["ShopHTTP", "ShopDomain", "ShopLoad", argumentParser, logging, nioCore, nioPosix],
                      path: "Client", swiftSettings: swiftSettings),
    .executableTarget(name: "OrderShopBench", dependencies: ["ShopHTTP", "ShopRedis", "ShopEventStore", "ShopStockLedger", "ShopDomain", "ShopPostgres", "ShopArchive", "ShopLoad", argumentParser, logging, nioCore, nioPosix, lifecycle],
                      path: "Benchmarks/OrderShopBench", swiftSettings: swiftSettings),
]

/// One Swift Testing suite per module, under Tests/.
let tests: [Target] = [
    .testTarget(name: "ShopHTTPTests", dependencies: ["ShopBasics", "ShopHTTP", "ShopJSON", "ShopTestSupport", .product(name: "NIOEmbedded", package: "swift-nio"), nioCore, nioPosix, logging, lifecycle],
                path: "Tests/ShopHTTPTests", swiftSettings: swiftSettings),
    .testTarget(name: "ShopRedisTests", dependencies: ["ShopRedis", "ShopTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
                                                      .product(name: "NIOEmbedded", package: "swift-nio"), nioCore, nioPosix, logging, lifecycle],
                path: "Tests/ShopRedisTests", swiftSettings: swiftSettings),
    .testTarget(name: "ShopAPITests", dependencies: ["ShopAPI", "ShopHTTP", "ShopDomain", "ShopEventStore", logging],
                path: "Tests/ShopAPITests", swiftSettings: swiftSettings),
    .testTarget(name: "ShopDomainTests", dependencies: ["ShopDomain", "ShopJSON"],
                path: "Tests/ShopDomainTests", swiftSettings: swiftSettings),
    .testTarget(name: "ShopEventStoreTests", dependencies: ["ShopStockLedger", "ShopEventStore", "ShopRedis", "ShopDomain", "ShopTestSupport", lifecycle, logging],
                path: "Tests/ShopEventStoreTests", swiftSettings: swiftSettings),
    .testTarget(name: "ShopPostgresTests", dependencies: ["ShopPostgres", "ShopTestSupport"],
                path: "Tests/ShopPostgresTests", swiftSettings: swiftSettings),
    .testTarget(name: "ShopServiceTests", dependencies: ["ShopService", "ShopHTTP", "ShopDomain", "ShopTestSupport", logging],
                path: "Tests/ShopServiceTests", swiftSettings: swiftSettings),
    .testTarget(name: "ArchiveTests", dependencies: ["ArchiveService", "ShopStockLedger", "ShopArchive", "ShopEventStore", "ShopPostgres", "ShopRedis", "ShopDomain", "ShopHTTP", "ShopTestSupport", logging, nioCore],
                path: "Tests/ArchiveTests", swiftSettings: swiftSettings),
    .testTarget(name: "LoadTests", dependencies: ["ShopLoad", "ShopDomain", "ShopService", "ShopHTTP", histogram, "ShopTestSupport", logging],
                path: "Tests/LoadTests", swiftSettings: swiftSettings),
    .testTarget(name: "BenchTests", dependencies: ["ShopStockLedger", "OrderShopBench", "ShopEventStore", "ShopRedis", "ShopDomain", "ShopTestSupport", logging],
                path: "Tests/BenchTests", swiftSettings: swiftSettings),
    .testTarget(name: "EndToEndTests", dependencies: ["ShopStockLedger", "ShopTestSupport", "ShopHTTP", "ShopService", "ShopEventStore", "ShopRedis", "ShopDomain", logging, nioPosix],
                path: "Tests/EndToEndTests", swiftSettings: swiftSettings),
]

/// The packages the targets use (all in /opt/swift-packages here; swift-otel is resolved always, built only with the trait).
let packageDependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
    .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
]

/// `swift build --traits OTel` (what `make up OTEL=1` runs) adds OpenTelemetry export.
let packageTraits: Set<Trait> = [
    .trait(name: "OTel", description: "Export spans over OTLP/HTTP with swift-otel when OTEL_* variables ask for it"),
]

/// The nine services, the client and the benchmarks.
let packageProducts: [Product] = services.map { .executable(name: $0.product, targets: [$0.target]) } + [
    .executable(name: "ordershop-client", targets: ["OrderShopClient"]),
    .executable(name: "ordershop-bench", targets: ["OrderShopBench"]),
]
let packageTargets: [Target] = libraries + serviceTargets + tools + tests

let package = Package(
    name: "OrderShop",
    platforms: [.macOS(.v15)],
    products: packageProducts,
    traits: packageTraits,
    dependencies: packageDependencies,
    targets: packageTargets
)
