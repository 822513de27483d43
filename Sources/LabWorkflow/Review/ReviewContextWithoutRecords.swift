import LabStore

/// The ``ReviewContext`` of doses under review on a store without the cases and dose-records roles
/// (PostgreSQL so far): the dose, its batch, the reasons it is there and each element's curve, without
/// the person (wearer, earlier periods, year to date), which those roles hold. `person` is nil; the
/// caller says that it is not shown (it does not mean "no wearer" here).
public struct ReviewContextWithoutRecords: Sendable {
    let store: any EvaluationStore

    public init(store: any EvaluationStore) {
        self.store = store
    }

    /// Every current dose that needs review, in the store's order (by batch, then card).
    public func all() throws -> [ReviewContext] {
        var groups: [ReadoutBatch.ID: String] = [:]
        return try store.dosesNeedingReview().map { dose in
            if groups[dose.batchID] == nil { groups[dose.batchID] = try store.batch(id: dose.batchID)?.groupID ?? "\(dose.batchID.rawValue)" }
            var elements: [ReviewContext.Element] = []
            for r in try store.readings(batch: dose.batchID) where r.cardID == dose.cardID {
                switch r.outcome {
                case let .stored(curve):
                    do { elements.append(.init(element: r.element, outcome: .curve(try curve.glowCurve()))) } catch {
                        elements.append(.init(element: r.element, outcome: .unreadable("\(error)")))
                    }
                case let .lost(reason): elements.append(.init(element: r.element, outcome: .lost(reason)))
                case .absent: elements.append(.init(element: r.element, outcome: .absent))
                }
            }
            return ReviewContext(
                dose: dose, batchGroupID: groups[dose.batchID] ?? "", reasons: try dose.id.map { try store.reviewReasons(dose: $0) } ?? [],
                person: nil, previous: [], yearToDateHp10MilliSievert: nil, elements: elements.sorted { $0.element < $1.element })
        }
    }
}
