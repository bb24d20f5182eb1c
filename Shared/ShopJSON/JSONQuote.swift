/// Quoting of user input inside error messages: short, and never the whole of a huge value.
public enum JSONQuote {
    /// `"value"`, cut to 40 characters with an ellipsis, control characters escaped.
    public static func value(_ text: String, limit: Int = 40) -> String {
        var shown = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                shown += "…"
                break
            }
            shown += scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
            count += 1
        }
        return "\"\(shown)\""
    }
}
