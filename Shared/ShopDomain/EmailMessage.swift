import ShopJSON

/// The body of msg-service's `POST /email`: recipient, text, and the idempotency key (one message per key).
///
/// Senders write it with `json`; msg-service decodes it strictly (through `BodyDecoder`), every problem a `ValidationError`.
public struct EmailMessage: BodyDecodable, Equatable {
    /// The recipient's e-mail address.
    public var to: String
    /// The text, line breaks included.
    public var msg: String
    /// The idempotency key: a second message with the same key is not sent again.
    public var key: String
    /// The correlation id of the request that set the message off (optional: senders before it had none).
    public var correlationID: String?
    /// The id of the event the message answers (optional).
    public var causationID: String?

    /// Longest recipient (RFC 5321 path limit).
    public static let maxRecipientLength = DomainLimits.maxEmailLength
    /// Longest text, in Unicode scalars: room for an order confirmation naming 1000 products of the longest name.
    public static let maxTextLength = 256 * 1024
    /// Longest key (an event id and the kind of message fit many times over).
    public static let maxKeyLength = 200

    /// A message built in code (senders); bodies go through `init(json:item:)`, which validates.
    public init(to: String, msg: String, key: String, correlationID: String? = nil, causationID: String? = nil) {
        self.to = to
        self.msg = msg
        self.key = key
        self.correlationID = correlationID
        self.causationID = causationID
    }

    /// The same message caused by `eventID` within `correlationID` (empty ids are left out).
    public func caused(correlationID: String, causationID: String) -> EmailMessage {
        var message = self
        message.correlationID = correlationID.isEmpty ? nil : correlationID
        message.causationID = causationID.isEmpty ? nil : causationID
        return message
    }

    /// Decodes and validates a request body's object (unknown fields are ignored).
    public init(json value: JSONValue, item: Int?) throws(ValidationError) {
        guard case .object(let object) = value else {
            throw ValidationError(.wrongType, #"expected a JSON object {"to", "msg", "key"}"#)
        }
        to = try Self.text(object, "to", maxLength: Self.maxRecipientLength, lineBreaks: false)
        guard EmailAddress.isPlausible(to) else {
            throw ValidationError(.invalidValue, "'to' must be an e-mail address like name@example.com")
        }
        msg = try Self.text(object, "msg", maxLength: Self.maxTextLength, lineBreaks: true)
        key = try Self.text(object, "key", maxLength: Self.maxKeyLength, lineBreaks: false)
        correlationID = try Self.optionalText(object, "correlation_id")
        causationID = try Self.optionalText(object, "causation_id")
    }

    /// An optional id: absent or null is nil, otherwise a text as `key` is.
    private static func optionalText(_ object: JSONObject, _ name: String) throws(ValidationError) -> String? {
        guard let field = object[name], field != .null else { return nil }
        return try text(object, name, maxLength: maxKeyLength, lineBreaks: false)
    }

    /// A required, non-blank string of at most `maxLength` scalars without control characters (bar line breaks
    /// and tabs where `lineBreaks`).
    private static func text(_ object: JSONObject, _ name: String, maxLength: Int,
                             lineBreaks: Bool) throws(ValidationError) -> String {
        guard let field = object[name] else { throw ValidationError(.missingField, "missing field '\(name)'") }
        if field == .null { throw ValidationError(.missingField, "'\(name)' must not be null") }
        guard let value = field.string else { throw ValidationError(.wrongType, "'\(name)' must be a string") }
        // One pass; ASCII (nearly every text) is judged by its code, the Unicode properties only beyond it.
        var length = 0
        var blank = true
        var control = false
        for scalar in value.unicodeScalars {
            length += 1
            let code = scalar.value
            if code < 0x80 {
                let isBreak = code == 0x09 || code == 0x0A || code == 0x0D
                if code < 0x20 || code == 0x7F, !(lineBreaks && isBreak) { control = true }
                if code != 0x20, !(0x09...0x0D).contains(code) { blank = false }
            } else {
                if blank, !scalar.properties.isWhitespace { blank = false }
                if scalar.properties.generalCategory == .control { control = true }
            }
        }
        guard !blank else {
            throw ValidationError(.invalidValue, "'\(name)' must not be empty")
        }
        guard length <= maxLength else {
            throw ValidationError(.invalidValue, "'\(name)' must be at most \(maxLength) characters, found \(length)")
        }
        if control {
            throw ValidationError(.invalidValue, "'\(name)' must not contain control characters")
        }
        return value
    }

    /// `{"to":…,"msg":…,"key":…,"correlation_id":…,"causation_id":…}` (ids when known), the body a sender posts.
    public func write(into output: inout some JSONOutput) {
        var writer = JSONWriter(into: output)
        writer.field("to", to)
        writer.field("msg", msg)
        writer.field("key", key)
        if let correlationID { writer.field("correlation_id", correlationID) }
        if let causationID { writer.field("causation_id", causationID) }
        output = writer.finished()
    }
}
