import Foundation
import Testing
@testable import LabStore

/// `saveReadoutCurve`, the readout's one-transaction path: it must store exactly what
/// `saveElementReading` stores and keep every check, while an earlier row is an outcome.
@Suite("Store contract: a readout curve saved in one transaction")
struct ReadoutCurveContractTests {
    @Test("the curve comes back as saveElementReading would have stored it", arguments: StoreBackend.readoutRole, [1, 200, 4096])
    func savedCurveRoundTrip(backend: StoreBackend, channels: Int) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        let curve = Samples.curve(channels: channels, seed: 3)
        #expect(try store.saveReadoutCurve(batch: batchID, card: "C-000123", element: 2, readAt: Samples.readAt, curve: curve) == .saved)
        let fetched = try #require(try store.reading(batch: batchID, card: "C-000123", element: 2))
        #expect(fetched.curve == curve)
        #expect(fetched.readAt == Samples.readAt)
        #expect(fetched.status == .stored)
        #expect(try store.elementStates(batch: batchID, card: "C-000123") == [2: .stored])

        // The same row through the general path, in another batch, reads back identically.
        let other = try #require(try store.openSampleBatch(source: "other").id)
        let general = try store.saveElementReading(ElementReading(
            batchID: other, cardID: "C-000123", element: 2, readAt: Samples.readAt, outcome: .stored(curve)))
        #expect(general.outcome == fetched.outcome)
        #expect(general.readAt == fetched.readAt)
    }

    @Test("the same curve again is alreadyStored; another curve or a lost row is conflicting; nothing changes",
          arguments: StoreBackend.readoutRole)
    func earlierRows(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        let curve = Samples.curve(channels: 200, seed: 7)
        #expect(try store.saveReadoutCurve(batch: batchID, card: "C-1", element: 1, readAt: Samples.readAt, curve: curve) == .saved)
        let before = try store.readoutCounts()
        #expect(try store.saveReadoutCurve(batch: batchID, card: "C-1", element: 1, readAt: Date(), curve: curve) == .alreadyStored)
        let different = Samples.curve(channels: 200, seed: 8)
        #expect(try store.saveReadoutCurve(batch: batchID, card: "C-1", element: 1, readAt: Date(), curve: different)
                == .conflicting(existing: .stored))
        _ = try store.markElementLost(batch: batchID, card: "C-1", element: 2, reason: "heating interrupted")
        #expect(try store.saveReadoutCurve(batch: batchID, card: "C-1", element: 2, readAt: Date(), curve: curve)
                == .conflicting(existing: .lost))
        #expect(try store.readoutCounts().storedElements == before.storedElements)
        #expect(try store.reading(batch: batchID, card: "C-1", element: 1)?.curve == curve)
    }

    @Test("a curve whose CRC-32 does not match, a closed batch, an element off the card are refused",
          arguments: StoreBackend.readoutRole)
    func refusals(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch(elementsPerCard: 2).id)
        var damaged = Samples.curve(channels: 200, seed: 4)
        let computed = damaged.readerCurveCRC32
        damaged.readerCurveCRC32 ^= 1
        #expect(throws: LabStoreError.curveChecksumMismatch(readerCRC32: computed ^ 1, computedCRC32: computed)) {
            try store.saveReadoutCurve(batch: batchID, card: "C-2", element: 1, readAt: Samples.readAt, curve: damaged)
        }
        #expect(throws: LabStoreError.elementOutOfRange(element: 3, elementsPerCard: 2)) {
            try store.saveReadoutCurve(batch: batchID, card: "C-2", element: 3, readAt: Samples.readAt,
                                       curve: Samples.curve(channels: 10))
        }
        #expect(try store.readings(batch: batchID).isEmpty)
        _ = try store.finishBatch(id: batchID)
        #expect(throws: LabStoreError.batchNotOpen(batchID)) {
            try store.saveReadoutCurve(batch: batchID, card: "C-2", element: 1, readAt: Samples.readAt,
                                       curve: Samples.curve(channels: 10))
        }
        let missing = ReadoutBatch.ID(rawValue: 9_999)
        #expect(throws: LabStoreError.batchNotFound(missing)) {
            try store.saveReadoutCurve(batch: missing, card: "C-2", element: 1, readAt: Samples.readAt,
                                       curve: Samples.curve(channels: 10))
        }
    }
}
