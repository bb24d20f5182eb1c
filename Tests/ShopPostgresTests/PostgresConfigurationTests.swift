import ShopPostgres
import Testing

@Suite("PostgresConfiguration from DATABASE_URL")
struct PostgresConfigurationTests {
    @Test("reads every part of a full URL")
    func fullURL() throws {
        let configuration = try PostgresConfiguration(
            url: "postgresql://shop:s%40cret%3A%2F@db.example.com:6543/orders?sslmode=require&connect_timeout=9&application_name=archive")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.user == "shop")
        #expect(configuration.password == "s@cret:/")
        #expect(configuration.database == "orders")
        #expect(configuration.sslMode == "require")
        #expect(configuration.connectTimeoutSeconds == 9)
        #expect(configuration.applicationName == "archive")
    }

    @Test("defaults: user postgres, port 5432, database named after the user")
    func defaults() throws {
        let bare = try PostgresConfiguration(url: "postgres://127.0.0.1")
        #expect(bare.user == "postgres" && bare.port == 5432 && bare.database == "postgres" && bare.password == nil)
        let ipv6 = try PostgresConfiguration(url: "postgres://app@[::1]:5433/db")
        #expect(ipv6.host == "::1" && ipv6.port == 5433 && ipv6.user == "app" && ipv6.database == "db")
    }

    @Test("the description never shows the password")
    func descriptionHidesPassword() throws {
        let configuration = try PostgresConfiguration(url: "postgres://shop:topsecret@localhost:5432/orders")
        #expect(!configuration.description.contains("topsecret"))
        #expect(configuration.description == "postgres://shop:***@localhost:5432/orders")
    }

    @Test("malformed URLs are clear errors", arguments: [
        "", "localhost:5432/db", "mysql://localhost/db", "postgres://", "postgres://host:0/db", "postgres://host:99999/db",
        "postgres://host:abc/db", "postgres://user@/db", "postgres://[::1/db", "postgres://u:p%zz@host/db",
        "postgres://host/db?sslmode=sometimes", "postgres://host/db?pool=3", "postgres://:pw@host/db",
        "postgres://host/a/b", "postgres://u:%00@host/db",
    ])
    func malformed(url: String) {
        let error = #expect(throws: PostgresError.self) { try PostgresConfiguration(url: url) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.description.contains("DATABASE_URL") == true)
    }
}
