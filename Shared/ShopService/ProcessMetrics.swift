#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The process's own gauges in Prometheus text, read when `/metrics` is scraped: its start time and resident memory.
enum ProcessMetrics {
    /// When this process started (first use of the runtime), in Unix seconds.
    static let startTime = Date().timeIntervalSince1970

    static func text() -> String {
        var text = "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds \(startTime)\n"
        if let resident = residentBytes() {
            text += "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes \(resident)\n"
        }
        return text
    }

    /// Resident set size from `/proc/self/statm` (Linux); nil elsewhere.
    static func residentBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
