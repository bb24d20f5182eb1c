import Foundation
import ShopDomain
import ShopService
import ShopTestSupport
import Testing

/// The files that describe the stack outside Swift (Package.swift, docker-compose.yml, the Dockerfile, the scripts)
/// name the same nine executables with the ports of the design, and the image builds from every source folder, so no
/// deployment drifts from the code.
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
            // Published on the same host port unless ORDERSHOP_PUBLISH says otherwise (the cluster profile's free ports;
            // scripts/test-deploy.sh checks the rendered configuration both ways).
            #expect(compose.contains(#"ports: ["\#(port):\#(port)"]"#) || compose.contains(#"ports: ["${ORDERSHOP_PUBLISH-\#(port):}\#(port)"]"#),
                    "\(name) published port")
            #expect(compose.contains("http://127.0.0.1:\(port)/ready"), "\(name) healthcheck")
            #expect(compose.contains("\(service.urlVariable): http://\(name):\(port)"), "\(service.urlVariable)")
        }
    }

    @Test("the Dockerfile puts every executable and the client into the image")
    func dockerfile() throws {
        let words = Set(try Self.read("Dockerfile").split(whereSeparator: { " \n\t;\\\"".contains($0) }).map(String.init))
        for executable in ServiceName.allCases.map(\.executable) + ["ordershop-client"] {
            #expect(words.contains(executable), "\(executable)")
        }
    }

    @Test("the Dockerfile's build stage copies Package.swift and every folder Package.swift builds from")
    func dockerfileCopiesSources() async throws {
        let folders = try await Self.packageFolders()
        #expect(folders.isSuperset(of: ["Shared", "Services", "Client"]), "dump-package read: \(folders)")
        let copied = Self.copiedInBuildStage(try Self.read("Dockerfile"))
        let ignored = Set(((try? Self.read(".dockerignore")) ?? "").split(separator: "\n").map { Self.normalized(String($0)) })
        for source in folders.sorted() + ["Package.swift"] {
            #expect(copied.contains(source) || copied.contains("."), "the build stage does not COPY \(source) (copies \(copied.sorted()))")
            #expect(!ignored.contains(source), ".dockerignore leaves \(source) out of the build context")
        }
    }

    /// The top-level folders of every target's path, as SwiftPM itself reads the manifest (`swift package dump-package`,
    /// with a scratch path of its own so it does not wait for the running `swift test`'s lock on .build).
    static func packageFolders() async throws -> Set<String> {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dump-package-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let output = scratch + "/package.json"
        let process = try ManagedProcess(
            executable: "/bin/sh",
            arguments: ["-c", "cd \"$0\" && swift package --scratch-path \"$1\" dump-package >\"$2\"", root.path, scratch + "/build", output],
            environment: ProcessInfo.processInfo.environment, logPath: scratch + "/stderr.log")
        #expect(await process.waitForExit(timeout: .seconds(120)))
        #expect(process.terminationStatus == 0, "swift package dump-package: \(process.logTail())")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any]
        let targets = manifest?["targets"] as? [[String: Any]] ?? []
        return Set(targets.map { target in
            let path = target["path"] as? String ?? "Sources/\(target["name"] as? String ?? "")"
            return String(path.split(separator: "/").first ?? "")
        })
    }

    /// The sources of the COPY instructions (not `--from` another stage) from `FROM … AS build` to the next `FROM`.
    static func copiedInBuildStage(_ dockerfile: String) -> Set<String> {
        let instructions = dockerfile.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var inBuildStage = false
        var sources: Set<String> = []
        for line in instructions {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let instruction = words.first?.uppercased() else { continue }
            if instruction == "FROM" { inBuildStage = words.suffix(2).map { $0.lowercased() } == ["as", "build"] }
            guard inBuildStage, instruction == "COPY" || instruction == "ADD" else { continue }
            let arguments = words.dropFirst().filter { !$0.hasPrefix("--") }
            guard !words.contains(where: { $0.hasPrefix("--from") }), arguments.count >= 2 else { continue }
            sources.formUnion(arguments.dropLast().map(normalized))
        }
        return sources
    }

    static func normalized(_ path: String) -> String {
        var path = path.trimmingCharacters(in: CharacterSet(charactersIn: " \"[],"))
        if path.hasPrefix("./") { path.removeFirst(2) }
        while path.hasSuffix("/") && path.count > 1 { path.removeLast() }
        return path.isEmpty ? "." : path
    }

    @Test("the scripts of make up start every service on its port")
    func scriptServices() throws {
        let stack = try Self.read("scripts/lib/stack.sh")
        for service in ServiceName.allCases {
            #expect(stack.contains("\(service.executable):\(service.defaultPort)"), "\(service.executable) in stack.sh")
        }
    }
}
