import Foundation
import LabStore

/// The customers' enrolment overviews, sorted, kept in memory between requests: a large customer's
/// page then costs the rows shown, not a read and sort of every enrolment. An entry is used only for
/// the same day and the same ``PortalOverviewStore/overviewVersion(customerID:)`` (raised by the
/// database on any change to the customer's enrolments or wearers, from any program), so it is never
/// out of date.
///
/// Each page of rows, once rendered (HTML, national IDs already masked to their first four digits),
/// is kept in the customer's entry too, per language, and goes with it: a page shown again costs
/// neither its decryptions nor its rendering. Entries are keyed by customer number only, and the
/// number comes from the signed-in account, so one customer's rows are never another's.
final class OverviewCache: @unchecked Sendable { // guarded by `lock`
    struct Entry: Sendable {
        var version: Int64
        var day: CalendarDay
        /// Active and future enrolments with their wearers, in the overview's order.
        var rows: [(Enrolment, Wearer?)]
        /// Rendered pages of rows (`<tr>` lines), by language and page number.
        var pages: [PageKey: String] = [:]
    }

    struct PageKey: Hashable, Sendable {
        var language: PortalLanguage
        var page: Int
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// At most this many customers are kept (any one is dropped to make room).
    let capacity: Int
    /// At most this many rendered pages per customer (about 20 kB each at 100 rows).
    let pagesPerCustomer: Int

    init(capacity: Int = 64, pagesPerCustomer: Int = 32) {
        self.capacity = capacity
        self.pagesPerCustomer = pagesPerCustomer
    }

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

    /// Keeps a rendered page in the customer's entry, if the entry is still the one of `version`
    /// and `day` (a page rendered from older rows is dropped, not kept).
    func storePage(_ html: String, key: PageKey, customerID: String, version: Int64, day: CalendarDay) {
        lock.withLock {
            guard var entry = entries[customerID], entry.version == version, entry.day == day else { return }
            if entry.pages[key] == nil, entry.pages.count >= pagesPerCustomer, let any = entry.pages.keys.first {
                entry.pages[any] = nil
            }
            entry.pages[key] = html
            entries[customerID] = entry
        }
    }
}
