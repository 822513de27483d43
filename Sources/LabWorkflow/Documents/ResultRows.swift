import LabReports
import LabStore

/// The result list of a batch: each card's current dose with its role, flags and remarks.
public enum ResultRows {
    public static func rows(store: any DoseStore, batch: ReadoutBatch.ID) throws -> [DoseRow] {
        let roles = Dictionary(uniqueKeysWithValues: try store.manifest(batch: batch).map { ($0.cardID, $0.role) })
        return try store.currentDoses(batch: batch).sorted { a, b in
            let (ra, rb) = (roles[a.cardID] ?? .worker, roles[b.cardID] ?? .worker)
            return ra == rb ? a.cardID < b.cardID : order(ra) < order(rb)
        }.map { d in
            DoseRow(
                cardID: d.cardID, role: (roles[d.cardID] ?? .worker).rawValue,
                hp10MilliSievert: d.hp10MilliSievert, hp007MilliSievert: d.hp007MilliSievert,
                detectionLimitMilliSievert: d.detectionLimitMilliSievert,
                flags: d.flags, remarks: d.remarks.isEmpty ? [] : [d.remarks], state: d.state.rawValue)
        }
    }

    static func order(_ r: BatchCard.Role) -> Int {
        switch r {
        case .worker: 0
        case .control: 1
        case .calibration: 2
        }
    }
}
