#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ServiceRuntime {
    /// With `--routes` as the only argument, prints every registered route as `METHOD /path` (one a line) and
    /// exits: a read-only view of the router, so a test can compare it with the API's description.
    /// Call it after the last `register(routes:)`.
    public func exitListingRoutesIfAsked(arguments: [String] = CommandLine.arguments) {
        guard arguments.dropFirst() == ["--routes"] else { return }
        for route in registeredRoutes {
            print("\(route.method.rawValue) \(route.path)")
        }
        exit(0)
    }
}
