import Foundation
import LabStore

/// The customers' enrolment overviews, sorted, kept in memory between requests: a large customer's
/// page then costs the rows shown, not a read and sort of every enrolment. An entry is used only for
/// the same day and the same ``PortalOverviewStore/overviewVersion(customerID:)`` (raised by the
/// database on any change to the customer's enrolments or wearers, from any program), so it is never
/// out of date.
final class OverviewCache: @unchecked Sendable { // guarded by `lock`
    struct Entry: Sendable {
        var version: Int64
        var day: CalendarDay
        /// Active and future enrolments with their wearers, in the overview's order.
        var rows: [(Enrolment, Wearer?)]
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// At most this many customers are kept (any one is dropped to make room).
    let capacity: Int

    init(capacity: Int = 64) { self.capacity = capacity }

    func entry(customerID: String, version: Int64, day: CalendarDay) -> Entry? {
        lock.withLock {
            guard let entry = entries[customerID], entry.version == version, entry.day == day else { return nil }
            return entry
        }
    }

    func store(_ entry: Entry, customerID: String) {
        lock.withLock {
            if entries[customerID] == nil, entries.count >= capacity, let any = entries.keys.first { entries[any] = nil }
            entries[customerID] = entry
        }
    }
}
