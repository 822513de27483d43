import LabStore
import LabStoreSQLite

/// After a release or a review decision: the notifications waiting to be sent and the open cases,
/// so that the physicist learns of them on the day (tld notifications, tld cases).
func printCaseNews(_ store: any CaseStore) throws {
    let unsent = try store.notifications(unsentOnly: true)
    if !unsent.isEmpty {
        print("\(unsent.count) authority notification(s) to send today: \(unsent.map(\.reportNumber).joined(separator: ", ")) (tld notifications list).")
    }
    let open = try store.levelCases(includeClosed: false, customerID: nil)
    if !open.isEmpty { print("\(open.count) open monitoring-level case(s) (tld cases).") }
}
