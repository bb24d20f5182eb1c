// ShopPostgres/Values: what goes into a statement and comes out of a row: parameters, rows, decoding, timestamps.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Text conversion of timestamps, in the ISO form PostgreSQL reads and (with `DateStyle=ISO`) writes.
enum PostgresTimestamp {
    /// `2026-11-25T11:46:01.123456Z`: microseconds, UTC, which `timestamptz` input reads exactly.
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = floorDivide(micros, 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        guard (0...9999).contains(year) else {
            // Outside four-digit years (never for real events): the plain form, which PostgreSQL also reads.
            return "\(year)-\(month)-\(day) \(secondOfDay / 3600):\(secondOfDay / 60 % 60):\(secondOfDay % 60).\(pad(fraction, 6))Z"
        }
        // Written digit by digit: this runs for every timestamp of every archived event.
        var bytes = [UInt8](repeating: 0, count: 27)
        func put(_ value: Int64, width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
                value /= 10
            }
        }
        put(year, width: 4, at: 0)
        put(month, width: 2, at: 5)
        put(day, width: 2, at: 8)
        put(secondOfDay / 3600, width: 2, at: 11)
        put(secondOfDay / 60 % 60, width: 2, at: 14)
        put(secondOfDay % 60, width: 2, at: 17)
        put(fraction, width: 6, at: 20)
        for (offset, character) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (26, "Z")] as [(Int, Unicode.Scalar)] {
            bytes[offset] = UInt8(ascii: character)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads `2026-11-25 11:46:01.123456+00` (a `T` separator, no fraction, an offset `±HH[:MM[:SS]]`,
    /// or no offset at all, meaning UTC, are fine); nil for anything else, such as `infinity` or BC dates.
    static func parse(_ text: String) -> Date? {
        var reader = DigitReader(Array(text.utf8))
        guard let year = reader.number(minDigits: 4, maxDigits: 6), reader.skip("-"),
              let month = reader.number(digits: 2), reader.skip("-"), let day = reader.number(digits: 2),
              reader.skip(" ") || reader.skip("T"),
              let hour = reader.number(digits: 2), reader.skip(":"), let minute = reader.number(digits: 2),
              reader.skip(":"), let second = reader.number(digits: 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var micros: Int64 = 0
        if reader.skip(".") {
            let start = reader.position
            guard let fraction = reader.number(minDigits: 1, maxDigits: 6) else { return nil }
            var scale = 6 - (reader.position - start)
            micros = fraction
            while scale > 0 { micros *= 10; scale -= 1 }
        }
        var offsetSeconds: Int64 = 0
        if !reader.atEnd {
            let sign: Int64
            if reader.skip("+") { sign = 1 } else if reader.skip("-") { sign = -1 } else if reader.skip("Z") {
                return reader.atEnd ? date(year, month, day, hour, minute, second, micros, offset: 0) : nil
            } else { return nil }
            guard let hours = reader.number(digits: 2) else { return nil }
            offsetSeconds = hours * 3600
            if reader.skip(":") {
                guard let minutes = reader.number(digits: 2) else { return nil }
                offsetSeconds += minutes * 60
                if reader.skip(":") {
                    guard let seconds = reader.number(digits: 2) else { return nil }
                    offsetSeconds += seconds
                }
            }
            offsetSeconds *= sign
        }
        guard reader.atEnd else { return nil }
        return date(year, month, day, hour, minute, second, micros, offset: offsetSeconds)
    }

    private static func date(
        _ year: Int64, _ month: Int64, _ day: Int64, _ hour: Int64, _ minute: Int64, _ second: Int64,
        _ micros: Int64, offset: Int64
    ) -> Date {
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    // Howard Hinnant's algorithms: proleptic Gregorian calendar <-> days since 1970-01-01.
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Reads fixed-width decimal fields out of ASCII bytes.
private struct DigitReader {
    private let bytes: [UInt8]
    private(set) var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func number(digits: Int) -> Int64? { number(minDigits: digits, maxDigits: digits) }

    mutating func number(minDigits: Int, maxDigits: Int) -> Int64? {
        var value: Int64 = 0
        var count = 0
        while count < maxDigits, position < bytes.count, (48...57).contains(bytes[position]) {
            value = value * 10 + Int64(bytes[position] - 48)
            position += 1
            count += 1
        }
        return count >= minDigits ? value : nil
    }
}
