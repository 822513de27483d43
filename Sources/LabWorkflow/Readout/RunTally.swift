import LabStore

/// What one readout command did to its batch, counted from the store across every reconnect: the
/// job's own summary covers only the segment after the last reconnect (issue 11, finding 7).
public struct RunTally: Sendable, Hashable {
    /// Cards with an element recorded in this run, in reading order.
    public var cardIDs: [String]
    /// Elements stored in this run.
    public var elementsStored: Int
    /// Elements recorded as lost in this run.
    public var elementsLost: Int
    /// Elements the batch held before this run (a resumed batch), 0 for a new one.
    public var elementsBefore: Int

    public init(cardIDs: [String], elementsStored: Int, elementsLost: Int, elementsBefore: Int) {
        self.cardIDs = cardIDs
        self.elementsStored = elementsStored
        self.elementsLost = elementsLost
        self.elementsBefore = elementsBefore
    }

    /// The batch's state when the run started.
    struct Start: Sendable {
        var batch: ReadoutBatch.ID?
        var readingIDs: Set<ElementReading.ID>

        init(store: any ReadoutStore, source: String) throws {
            batch = try store.findOpenBatch(source: source)?.id
            readingIDs = Set(try batch.map { try store.readings(batch: $0).compactMap(\.id) } ?? [])
        }

        func tally(store: any ReadoutStore, batch id: ReadoutBatch.ID) throws -> RunTally {
            let all = try store.readings(batch: id)
            let before = id == batch ? readingIDs : []
            let new = all.filter { $0.id.map { !before.contains($0) } ?? true }
            var cards: [String] = []
            for r in new where !cards.contains(r.cardID) { cards.append(r.cardID) }
            return RunTally(cardIDs: cards, elementsStored: new.filter { $0.status == .stored }.count,
                            elementsLost: new.filter { $0.status == .lost }.count, elementsBefore: all.count - new.count)
        }
    }
}
