import Foundation
import ShopService
import Testing

/// The files that describe the stack outside Swift (Package.swift, docker-compose.yml, the scripts) name the
/// same nine executables with the ports of the design, so no deployment drifts from the code.
@Suite("Deployment files agree with the service catalogue")
struct DeploymentFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("Package.swift has an executable product for every service, and no other service")
    func packageProducts() throws {
        let manifest = try Self.read("Package.swift")
        let declared = manifest.matches(of: /\("([a-z]+-(?:service|api))", "[A-Za-z]+"\)/).map { String($0.output.1) }
        #expect(Set(declared) == Set(ServiceName.allCases.map(\.executable)))
    }

    @Test("docker-compose.yml runs every service on its port with a /ready healthcheck")
    func composeServices() throws {
        let compose = try Self.read("docker-compose.yml")
        for service in ServiceName.allCases {
            let name = service.executable, port = service.defaultPort
            #expect(compose.contains("\n  \(name):\n"), "\(name) is not a compose service")
            #expect(compose.contains(#"command: ["\#(name)"]"#), "\(name) command")
            #expect(compose.contains(#"PORT: "\#(port)""#), "\(name) port \(port)")
            #expect(compose.contains(#"ports: ["\#(port):\#(port)"]"#), "\(name) published port")
            #expect(compose.contains("http://127.0.0.1:\(port)/ready"), "\(name) healthcheck")
            #expect(compose.contains("\(service.urlVariable): http://\(name):\(port)"), "\(service.urlVariable)")
        }
    }

    @Test("the Dockerfile puts every executable and the client into the image")
    func dockerfile() throws {
        let dockerfile = try Self.read("Dockerfile")
        for executable in ServiceName.allCases.map(\.executable) + ["ordershop-client"] {
            #expect(dockerfile.contains(" \(executable) ") || dockerfile.contains(" \(executable)\n"), "\(executable)")
        }
    }

    @Test("the scripts of make up start every service on its port")
    func scriptServices() throws {
        let stack = try Self.read("scripts/lib/stack.sh")
        for service in ServiceName.allCases {
            #expect(stack.contains("\(service.executable):\(service.defaultPort)"), "\(service.executable) in stack.sh")
        }
    }
}
