import ShopDomain

/// Decodes a body as a POST would and returns the error text, or nil when the body was accepted.
func postError<T: EntityDraft>(_ body: String, _ type: T.Type) -> String? {
    do {
        _ = try BodyDecoder.decodeOneOrMany(Array(body.utf8), as: type)
        return nil
    } catch {
        return error.description
    }
}

/// The drafts a POST body decodes to; fails the test through `#require` at the call site when it throws.
func postDrafts<T: EntityDraft>(_ body: String, _ type: T.Type) throws -> [T] {
    try BodyDecoder.decodeOneOrMany(Array(body.utf8), as: type)
}

let uuidA = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
let uuidB = "9b2e6c1a-0d3f-4e8b-a1c2-7f6e5d4c3b2a"
