import ShopHTTP

/// Admin actions (the gateway's replaying and deleting of dead letters, archive-service's restore) need
/// `Authorization: Bearer <ADMIN_TOKEN>`: 401 without it or with another token, 403 when the service was started
/// with no `ADMIN_TOKEN` at all. Reading needs no token.
public struct AdminAuthorization: Sendable {
    /// The token from `ADMIN_TOKEN`; nil: admin actions are off.
    let token: String?
    /// The executable that was started, named in the 403's advice.
    let service: String

    /// Checks requests against `config.adminToken`, for the service `config` belongs to.
    public init(config: ServiceConfig) {
        self.init(token: config.adminToken, service: config.name)
    }

    init(token: String?, service: String) {
        self.token = token
        self.service = service
    }

    /// Throws the 403 or 401 the request earns; returns when it carries the token.
    public func check(_ request: Request) throws(HTTPError) {
        guard let token else {
            throw HTTPError(.forbidden, "admin actions are disabled: start \(service) with ADMIN_TOKEN=<a secret> "
                            + "(make up creates one in .run/admin-token) and send Authorization: Bearer <that secret>")
        }
        guard let header = request.headers.first(name: "authorization") else {
            throw HTTPError(.unauthorized, "this action needs Authorization: Bearer <ADMIN_TOKEN>")
        }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix,
              Self.equalInConstantTime(Array(header.utf8.dropFirst(prefix.count)), Array(token.utf8)) else {
            throw HTTPError(.unauthorized, "the bearer token is not the ADMIN_TOKEN")
        }
    }

    /// Compares without stopping at the first difference, so the time taken tells nothing about the token.
    static func equalInConstantTime(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
