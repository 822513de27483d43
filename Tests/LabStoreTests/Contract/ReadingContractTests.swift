import Foundation
import Testing
@testable import LabStore

@Suite("Store contract: element readings")
struct ReadingContractTests {
    @Test("a stored reading comes back exactly as saved", arguments: StoreBackend.readoutRole, [1, 200, 4096])
    func storedReadingRoundTrip(backend: StoreBackend, channels: Int) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        let reading = Samples.storedReading(batch: batchID, card: "C-000123", element: 2, channels: channels)
        let saved = try store.saveElementReading(reading)

        #expect(saved.id != nil)
        var expected = reading
        expected.id = saved.id
        #expect(saved == expected)
        #expect(saved.curve?.channelCount == channels)
        #expect(try store.readings(batch: batchID) == [saved])
        #expect(try store.readings(card: "C-000123") == [saved])
        #expect(try store.elementStates(batch: batchID, card: "C-000123") == [2: .stored])
    }

    @Test("a second save of the same element is rejected and changes nothing", arguments: StoreBackend.readoutRole)
    func duplicateReadingRejected(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        let first = try store.saveElementReading(
            Samples.storedReading(batch: batchID, card: "C-1", element: 1, seed: 7))
        let countsBefore = try store.readoutCounts()

        let other = Samples.storedReading(batch: batchID, card: "C-1", element: 1, seed: 8)
        #expect(throws: LabStoreError.duplicateReading(batch: batchID, cardID: "C-1", element: 1)) {
            try store.saveElementReading(other)
        }
        #expect(throws: LabStoreError.duplicateReading(batch: batchID, cardID: "C-1", element: 1)) {
            try store.markElementLost(batch: batchID, card: "C-1", element: 1, reason: "retry")
        }
        #expect(try store.readings(batch: batchID) == [first])
        #expect(try store.readoutCounts() == countsBefore)
        // The same card and element in another batch is a new reading (cards are reused).
        let nextBatch = try #require(try store.openSampleBatch(source: "other").id)
        _ = try store.saveElementReading(Samples.storedReading(batch: nextBatch, card: "C-1", element: 1))
        #expect(try store.readings(card: "C-1").map(\.batchID) == [batchID, nextBatch])
    }

    @Test("a lost element keeps its reason and never has counts", arguments: StoreBackend.readoutRole)
    func lostElement(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        let readAt = fixture.clock.next
        let lost = try store.markElementLost(batch: batchID, card: "C-9", element: 3,
                                             reason: "heating interrupted (heaterFault)")
        #expect(lost.status == .lost)
        #expect(lost.outcome == .lost(reason: "heating interrupted (heaterFault)"))
        #expect(lost.curve == nil)
        #expect(lost.readAt == readAt)
        let fetched = try #require(try store.readings(batch: batchID).first)
        #expect(fetched == lost)
        #expect(fetched.curve == nil)
        #expect(try store.readoutCounts().lostElements == 1)
        #expect(try store.readoutCounts().storedElements == 0)
    }

    @Test("a lost element needs a reason", arguments: StoreBackend.readoutRole, ["", "   ", "\n"])
    func lostElementNeedsReason(backend: StoreBackend, reason: String) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        #expect(throws: LabStoreError.missingLostReason) {
            try store.markElementLost(batch: batchID, card: "C-9", element: 3, reason: reason)
        }
        #expect(try store.readings(batch: batchID).isEmpty)
    }

    @Test("element numbers must be positions of the batch's cards", arguments: StoreBackend.readoutRole, [0, 3, 4, 5, -1])
    func elementOutOfRange(backend: StoreBackend, element: Int) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch(elementsPerCard: 2).id)
        #expect(throws: LabStoreError.elementOutOfRange(element: element, elementsPerCard: 2)) {
            try store.saveElementReading(Samples.storedReading(batch: batchID, card: "C-1", element: element))
        }
    }

    @Test("a curve whose CRC-32 differs from the reader's is refused", arguments: StoreBackend.readoutRole)
    func curveChecksumMismatch(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        var curve = Samples.curve(channels: 50)
        let readerCRC = curve.readerCurveCRC32
        curve.counts[10] += 1
        let computed = curve.computedCRC32()
        let reading = ElementReading(batchID: batchID, cardID: "C-1", element: 1, readAt: Samples.readAt,
                                     outcome: .stored(curve))
        #expect(throws: LabStoreError.curveChecksumMismatch(readerCRC32: readerCRC, computedCRC32: computed)) {
            try store.saveElementReading(reading)
        }
        #expect(try store.readings(batch: batchID).isEmpty)
    }

    @Test("a curve needs as many temperatures as counts, and 1–4096 channels", arguments: StoreBackend.readoutRole)
    func malformedCurves(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        func reading(_ curve: ElementCurve) -> ElementReading {
            ElementReading(batchID: batchID, cardID: "C-1", element: 1, readAt: Samples.readAt, outcome: .stored(curve))
        }
        var mismatched = Samples.curve(channels: 10)
        mismatched.temperaturesDeciCelsius.removeLast()
        #expect(throws: LabStoreError.channelCountMismatch(counts: 10, temperatures: 9)) {
            try store.saveElementReading(reading(mismatched))
        }
        #expect(throws: LabStoreError.channelCountOutOfRange(0)) {
            try store.saveElementReading(reading(Samples.curve(channels: 0)))
        }
        #expect(throws: LabStoreError.channelCountOutOfRange(4097)) {
            try store.saveElementReading(reading(Samples.curve(channels: 4097)))
        }
    }

    @Test("card IDs must be non-empty without control characters", arguments: StoreBackend.readoutRole, ["", "C\u{0}1", "C-1\n"])
    func invalidCardID(backend: StoreBackend, cardID: String) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        #expect(throws: LabStoreError.invalidCardID(cardID)) {
            try store.saveElementReading(Samples.storedReading(batch: batchID, card: cardID, element: 1))
        }
    }

    @Test("readings go only into an existing, open batch", arguments: StoreBackend.readoutRole)
    func readingsNeedAnOpenBatch(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        _ = try store.finishBatch(id: batchID)
        #expect(throws: LabStoreError.batchNotOpen(batchID)) {
            try store.saveElementReading(Samples.storedReading(batch: batchID, card: "C-1", element: 1))
        }
        let missing = ReadoutBatch.ID(rawValue: 4242)
        #expect(throws: LabStoreError.batchNotFound(missing)) {
            try store.markElementAbsent(batch: missing, card: "C-1", element: 1)
        }
        #expect(try store.readoutCounts().storedElements == 0)
    }

    @Test("card states tell which cards are complete", arguments: StoreBackend.readoutRole)
    func cardStates(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch(elementsPerCard: 4).id)
        try store.storeCard("C-A", batch: batchID)                       // all four stored
        try store.storeCard("C-B", batch: batchID, elements: 1...2)      // 3 and 4 missing
        try store.storeCard("C-C", batch: batchID, elements: 1...2)
        _ = try store.markElementLost(batch: batchID, card: "C-C", element: 3, reason: "interrupted")
        _ = try store.markElementAbsent(batch: batchID, card: "C-C", element: 4)

        let states = try store.cardStates(batch: batchID)
        #expect(states.map(\.cardID) == ["C-A", "C-B", "C-C"])
        #expect(states.map(\.isComplete) == [true, false, true])
        #expect(states[1].missingElements == [3, 4])
        #expect(states[2].elements(.stored) == [1, 2])
        #expect(states[2].elements(.lost) == [3])
        #expect(states[2].elements(.absent) == [4])
        #expect(try store.elementStates(batch: batchID, card: "C-C") == [1: .stored, 2: .stored, 3: .lost, 4: .absent])
        #expect(try store.elementStates(batch: batchID, card: "C-unknown") == [:])
        let counts = try store.readoutCounts()
        #expect((counts.storedElements, counts.lostElements, counts.absentElements) == (8, 1, 1))
    }
}
