import Logging
import ShopDomain
import ShopService
import Testing

@Suite("ServiceConfig: parsing the environment")
struct ServiceConfigTests {
    private func parse(_ environment: [String: String]) throws(ServiceError) -> ServiceConfig {
        try ServiceConfig.parse(environment: environment, name: "order-service", defaultPort: 5004)
    }

    @Test("an empty environment gives the local defaults")
    func defaults() throws {
        let config = try parse([:])
        #expect(config.name == "order-service")
        #expect(config.http.host == "127.0.0.1")
        #expect(config.http.port == 5004)
        #expect(config.logLevel == .info)
        #expect(config.redis.host == "127.0.0.1")
        #expect(config.redis.port == 6379)
        #expect(config.redis.clientName == "order-service")
        #expect(config.databaseURL == "postgres://postgres@127.0.0.1:5432/ordershop")
        #expect(config.eventCompressionThreshold == 1024)
        #expect(config.consumerClaimIdle == .seconds(30))
        #expect(config.consumerMaxDeliveries == 5)
        #expect(config.eventRetention == .seconds(3600))
        #expect(config.eventLoopThreads == 1)
        #expect(config.consumerLinger == .milliseconds(20))
        for service in ServiceName.allCases {
            #expect(config.url(of: service) == "http://127.0.0.1:\(service.defaultPort)")
        }
        #expect(config.url(of: .gateway) == "http://127.0.0.1:5000")
        #expect(config.url(of: .archive) == "http://127.0.0.1:5008")
    }

    @Test("every variable is read")
    func everyVariable() throws {
        let config = try parse([
            "HOST": "0.0.0.0", "PORT": "0", "LOG_LEVEL": "DEBUG",
            "REDIS_URL": "redis://user:secret@redis.local:7000/2",
            "DATABASE_URL": "postgresql://shop:pw@db:6543/shop",
            "INVENTORY_SERVICE_URL": "http://inventory:6003/", "MSG_SERVICE_URL": "http://10.0.0.7:80",
            "GATEWAY_API_URL": "http://gw:8080",
            "EVENT_COMPRESSION_THRESHOLD": "0", "CONSUMER_CLAIM_IDLE_MS": "1500", "CONSUMER_MAX_DELIVERIES": "3",
            "EVENT_RETENTION_SECONDS": "60", "EVENT_LOOP_THREADS": "4", "CONSUMER_LINGER_MS": "0",
            "HTTP_MAX_BODY_BYTES": "2048", "HTTP_MAX_HEADER_BYTES": "4096", "HTTP_HEADER_TIMEOUT_MS": "250",
            "HTTP_IDLE_TIMEOUT_MS": "5000", "HTTP_MAX_CONNECTIONS": "10", "HTTP_SHUTDOWN_GRACE_MS": "0",
        ])
        #expect(config.http.host == "0.0.0.0")
        #expect(config.http.port == 0)
        #expect(config.logLevel == .debug)
        #expect(config.redis.host == "redis.local")
        #expect(config.redis.port == 7000)
        #expect(config.redis.username == "user")
        #expect(config.redis.password == "secret")
        #expect(config.redis.database == 2)
        #expect(config.databaseURL == "postgresql://shop:pw@db:6543/shop")
        #expect(config.url(of: .inventory) == "http://inventory:6003")
        #expect(config.url(of: .msg) == "http://10.0.0.7:80")
        #expect(config.url(of: .gateway) == "http://gw:8080")
        #expect(config.url(of: .crm) == "http://127.0.0.1:5006")
        #expect(config.eventCompressionThreshold == 0)
        #expect(config.consumerClaimIdle == .milliseconds(1500))
        #expect(config.consumerMaxDeliveries == 3)
        #expect(config.eventRetention == .seconds(60))
        #expect(config.eventLoopThreads == 4)
        #expect(config.consumerLinger == .zero)
        #expect(config.http.maxBodySize == 2048)
        #expect(config.http.maxHeaderSize == 4096)
        #expect(config.http.headerReadTimeout == .milliseconds(250))
        #expect(config.http.idleTimeout == .seconds(5))
        #expect(config.http.maxConnections == 10)
        #expect(config.http.shutdownGracePeriod == .zero)
    }

    @Test("several nodes in REDIS_URL select a Redis Cluster")
    func clusterURL() throws {
        let config = try parse(["REDIS_URL": "redis://:pw@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3"])
        #expect(config.redis.isCluster)
        #expect(config.redis.clusterSeeds.map(\.description) == ["10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:6379"])
        #expect(config.redis.password == "pw")
        #expect(try !parse([:]).redis.isCluster)
    }

    @Test("ADMIN_TOKEN: unset or empty means admin actions are off; CONSUMER_FORGET_IDLE_MS defaults to 10 minutes")
    func adminTokenAndForgetIdle() throws {
        #expect(try parse([:]).adminToken == nil)
        #expect(try parse(["ADMIN_TOKEN": ""]).adminToken == nil)
        #expect(try parse(["ADMIN_TOKEN": "s3cret-Token_1"]).adminToken == "s3cret-Token_1")
        #expect(try parse([:]).consumerForgetIdle == .seconds(600))
        #expect(try parse(["CONSUMER_FORGET_IDLE_MS": "5000"]).consumerForgetIdle == .seconds(5))
    }

    @Test("an empty or blank variable means its default")
    func emptyMeansDefault() throws {
        let config = try parse(["PORT": "", "LOG_LEVEL": "  ", "REDIS_URL": ""])
        #expect(config.http.port == 5004)
        #expect(config.logLevel == .info)
        #expect(config.redis.port == 6379)
    }

    @Test("a bad value is refused with a message naming the variable", arguments: [
        ("PORT", "abc"), ("PORT", "70000"), ("PORT", "-1"), ("PORT", "50 01"),
        ("LOG_LEVEL", "loud"),
        ("REDIS_URL", "http://127.0.0.1:6379"), ("REDIS_URL", "redis://127.0.0.1:notaport"),
        ("REDIS_URL", "redis://127.0.0.1:7000,,127.0.0.1:7001"), ("REDIS_URL", "redis://127.0.0.1:7000,127.0.0.1:7000"),
        ("REDIS_URL", "redis://127.0.0.1:7000,127.0.0.1:7001/1"),
        ("DATABASE_URL", "mysql://root@db/shop"),
        ("CRM_SERVICE_URL", "ftp://crm:5006"), ("ORDER_SERVICE_URL", "http://order"),
        ("INVENTORY_SERVICE_URL", "http://:5003"), ("GATEWAY_API_URL", "http://gw:5000/api"),
        ("MSG_SERVICE_URL", "http://msg:0"),
        ("EVENT_COMPRESSION_THRESHOLD", "-5"), ("EVENT_COMPRESSION_THRESHOLD", "1k"),
        ("CONSUMER_CLAIM_IDLE_MS", "0"), ("CONSUMER_MAX_DELIVERIES", "many"),
        ("EVENT_RETENTION_SECONDS", "1.5"), ("EVENT_LOOP_THREADS", "0"), ("EVENT_LOOP_THREADS", "two"), ("CONSUMER_LINGER_MS", "-1"),
        ("HTTP_MAX_BODY_BYTES", "0"), ("HTTP_MAX_HEADER_BYTES", "10"), ("HTTP_HEADER_TIMEOUT_MS", "soon"),
        ("HTTP_IDLE_TIMEOUT_MS", "-1"), ("HTTP_MAX_CONNECTIONS", "99999999999999999999"),
        ("HTTP_SHUTDOWN_GRACE_MS", "forever"),
        ("CONSUMER_FORGET_IDLE_MS", "10"), ("CONSUMER_FORGET_IDLE_MS", "soon"), ("ADMIN_TOKEN", "two words"), ("ADMIN_TOKEN", "tök"),
        ("REDIS_MIN_REPLICAS", "one"), ("REDIS_MIN_REPLICAS", "-1"), ("REDIS_MIN_REPLICAS", "17"), ("REDIS_WAIT_TIMEOUT_MS", "0"),
        ("REDIS_WAIT_TIMEOUT_MS", "1s"),
    ])
    func badValue(variable: String, value: String) {
        do {
            _ = try parse([variable: value])
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.variable == variable)
            #expect(error.message.hasPrefix(variable), "message: \(error.message)")
        }
    }

    @Test("a password in a bad REDIS_URL is not echoed")
    func redisPasswordRedacted() {
        do {
            _ = try parse(["REDIS_URL": "redis://user:hunter2@host:port/0"])
            Issue.record("a bad REDIS_URL was accepted")
        } catch {
            #expect(error.variable == "REDIS_URL")
            #expect(!error.message.contains("hunter2"), "message: \(error.message)")
        }
    }

    @Test("service names, ports and URL variables follow the design")
    func serviceCatalogue() {
        #expect(ServiceName.allCases.count == 9)
        #expect(Set(ServiceName.allCases.map(\.defaultPort)) == Set(5000...5008))
        #expect(ServiceName.crm.urlVariable == "CRM_SERVICE_URL")
        #expect(ServiceName.gateway.urlVariable == "GATEWAY_API_URL")
        #expect(ServiceName(executable: "archive-service") == .archive)
        #expect(ServiceName(executable: "archive") == nil)
    }

    @Test("<NAME>_URL may name several instances, comma-separated; a bad one or a repeated one is refused")
    func instanceURLs() throws {
        let config = try parse(["ORDER_SERVICE_URL": "http://127.0.0.1:5104, http://127.0.0.1:5204/"])
        #expect(config.urls(of: .order) == ["http://127.0.0.1:5104", "http://127.0.0.1:5204"])
        #expect(config.url(of: .order) == "http://127.0.0.1:5104")
        #expect(config.urls(of: .crm) == ["http://127.0.0.1:5006"])
        for bad in ["http://127.0.0.1:5104,", "http://127.0.0.1:5104,https://b:1", "http://a:1,http://a:1"] {
            #expect(throws: ServiceError.self, "\(bad)") { try parse(["ORDER_SERVICE_URL": bad]) }
        }
    }

    @Test("REDIS_MIN_REPLICAS: unset chooses per slot (nil), a number insists; REDIS_WAIT_TIMEOUT_MS bounds the wait")
    func minReplicas() throws {
        let automatic = try parse([:])
        #expect(automatic.redis.minReplicas == nil)
        #expect(automatic.redis.replicaWaitTimeout == .seconds(1))
        let strict = try parse(["REDIS_MIN_REPLICAS": "2", "REDIS_WAIT_TIMEOUT_MS": "250"])
        #expect(strict.redis.minReplicas == 2)
        #expect(strict.redis.replicaWaitTimeout == .milliseconds(250))
        #expect(try parse(["REDIS_MIN_REPLICAS": "0"]).redis.minReplicas == 0)
    }
}
