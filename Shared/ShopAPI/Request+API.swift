import ShopDomain
import ShopHTTP

extension Request {
    /// A POST body as drafts (one object or an array of them); every `ValidationError` becomes a 400.
    public func drafts<Draft: EntityDraft>(_ type: Draft.Type) throws(HTTPError) -> [Draft] {
        try bodies(type)
    }

    /// A body of one object or an array of up to `maxItems` of them, read once; every `ValidationError` is a 400.
    public func bodies<T: BodyDecodable>(_ type: T.Type, maxItems: Int = DomainLimits.maxItemsPerRequest) throws(HTTPError) -> [T] {
        do {
            return try body.withUnsafeReadableBytes { bytes throws(ValidationError) in
                try BodyDecoder.decodeOneOrMany(bytes, as: type, maxItems: maxItems)
            }
        } catch {
            throw HTTPError(.badRequest, error.description)
        }
    }

    /// A PUT body as one draft; every `ValidationError` becomes a 400.
    public func draft<Draft: EntityDraft>(_ type: Draft.Type) throws(HTTPError) -> Draft {
        do {
            return try body.withUnsafeReadableBytes { bytes throws(ValidationError) in try BodyDecoder.decodeOne(bytes, as: type) }
        } catch {
            throw HTTPError(.badRequest, error.description)
        }
    }

    /// The path parameter `name` as a normalised entity id; a malformed id is a 400.
    public func entityID(_ name: String = "id") throws(HTTPError) -> String {
        do {
            return try EntityID.validate(parameters[name] ?? "")
        } catch {
            throw HTTPError(.badRequest, error.description)
        }
    }

    /// The query parameter `name` as a normalised entity id; a malformed id is a 400 that names the parameter.
    public func entityID(query name: String) throws(HTTPError) -> String {
        do {
            return try EntityID.validate(query[name] ?? "")
        } catch {
            throw HTTPError(.badRequest, "\(name): \(error.description)")
        }
    }

    /// The query parameter `name` as an integer in `range`, `defaultValue` when absent; anything else is a 400.
    public func integerQuery(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(HTTPError) -> Int {
        guard let text = query[name] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw HTTPError(.badRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), got \(String(text.prefix(40)).debugDescription)")
        }
        return value
    }
}
