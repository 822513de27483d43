import LabStore

/// Enrolments and their wearers looked up once each while a document or list is built.
struct EnrolmentLookup {
    let store: any LabRecordStore
    private var known: [Enrolment.ID: (Enrolment, Wearer)] = [:]

    init(store: any LabRecordStore) { self.store = store }

    /// Knows these enrolments and wearers without reading them one by one (a customer's document).
    mutating func preload(enrolments: [Enrolment], wearers: [Wearer]) {
        let byID = Dictionary(wearers.compactMap { w in w.id.map { ($0, w) } }, uniquingKeysWith: { a, _ in a })
        for e in enrolments {
            guard let id = e.id, let w = byID[e.wearerID] else { continue }
            known[id] = (e, w)
        }
    }

    /// The enrolment and its wearer. Throws when either is missing (the store's foreign keys make
    /// that a damaged database).
    mutating func enrolment(_ id: Enrolment.ID) throws -> (enrolment: Enrolment, wearer: Wearer) {
        if let hit = known[id] { return hit }
        guard let e = try store.enrolment(id: id) else { throw LabStoreError.enrolmentNotFound("\(id)") }
        guard let w = try store.wearer(id: e.wearerID) else { throw LabStoreError.wearerNotFound(e.wearerID.rawValue) }
        known[id] = (e, w)
        return (e, w)
    }
}
