import Foundation
import ShopTestSupport
import Testing

/// openapi.yaml describes the gateway's router exactly: every route `gateway-api` registers is in the document,
/// and every path and method of the document is registered. (Validity and the YAML-to-JSON sync are checked by
/// scripts/test-openapi.sh; what the routes answer, by Schemathesis there.)
@Suite("The API description and the gateway's routes agree")
struct OpenAPIRoutesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `METHOD /path` of every operation in the gateway's embedded document.
    static func documentedRoutes() throws -> Set<String> {
        let data = try Data(contentsOf: root.appendingPathComponent("Services/GatewayAPI/openapi.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        return Set(paths.flatMap { path, item in
            item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
        })
    }

    /// What `gateway-api --routes` prints: `METHOD /path` of every registered route.
    static func registeredRoutes() throws -> Set<String> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ServiceStack.locateBinDirectory(containing: "gateway-api") + "/gateway-api")
        process.arguments = ["--routes"]
        process.environment = ["LOG_LEVEL": "error", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    @Test("every registered route is documented, and every documented route is registered")
    func routesMatch() throws {
        let documented = try Self.documentedRoutes()
        let registered = try Self.registeredRoutes()
        #expect(registered.count > 30, "gateway-api --routes listed \(registered.count) routes")
        #expect(registered.subtracting(documented).sorted() == [], "registered but not in openapi.yaml")
        #expect(documented.subtracting(registered).sorted() == [], "in openapi.yaml but not registered")
    }
}
