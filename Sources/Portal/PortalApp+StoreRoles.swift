import Foundation
import Hummingbird
import LabStore

/// The portal's pages that need a store role beyond the portal's own (``PortalStore`` with the lab
/// records and master data): result lists (the evaluation, dose-record and dose-record batch roles:
/// report-level remarks, assigned doses, year-to-date and lifetime sums), charges (the dispatch role)
/// and a wearer's own dose record (the dose-record role). A backend without such a role (PostgreSQL
/// while those roles are being ported) gets a page saying so (501) and a notice on /documents, never
/// a list with lines silently left out or an empty list that looks like "nothing due".
extension PortalApp {
    /// A part of the portal that needs more than the portal's own roles.
    enum StorePart: String, CaseIterable, Sendable {
        case resultLists, charges, doseRecord
    }

    /// Whether the lab's store has the roles `part` needs.
    func has(_ part: StorePart) -> Bool {
        let store = store.store
        switch part {
        case .resultLists: return store is any EvaluationStore && store is any DoseRecordStore && store is any DoseRecordBatchStore
        case .charges: return store is any DispatchStore
        case .doseRecord: return store is any DoseRecordStore
        }
    }

    /// The parts this store cannot serve (logged once when the portal starts).
    var unavailableParts: [StorePart] { StorePart.allCases.filter { !has($0) } }

    /// The page saying that `part` is not available on this lab's database (501 Not Implemented).
    func unavailable(_ part: StorePart, title: String, request: Request, context: PortalContext, account: PortalAccount?) -> Response {
        page("message", title: title, values: [
            "text": PortalTexts.text("unavailable." + part.rawValue, language(request, context)), "hasLink": false,
        ], context: context, request: request, account: account, status: .notImplemented)
    }
}
