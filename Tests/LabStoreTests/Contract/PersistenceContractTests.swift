import Foundation
import Testing
@testable import LabStore

/// What must survive closing and reopening the store: only for backends that persist.
@Suite("Store contract: persistence across reopen")
struct PersistenceContractTests {
    @Test("a reading survives closing and reopening the store", arguments: StoreBackend.readoutRole.filter(\.persists))
    func readingSurvivesReopen(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let saved: ElementReading
        let batchID: ReadoutBatch.ID
        do {
            let store = try fixture.openReadout()
            batchID = try #require(try store.openSampleBatch().id)
            saved = try store.saveElementReading(
                Samples.storedReading(batch: batchID, card: "C-77", element: 4, channels: 4096, seed: 99))
        }
        let reopened = try fixture.openReadout()
        #expect(try reopened.readings(batch: batchID) == [saved])
        #expect(try reopened.readings(card: "C-77").first?.curve == Samples.curve(channels: 4096, seed: 99))
    }

    @Test("an unfinished batch is found again after reopening, to resume it", arguments: StoreBackend.readoutRole.filter(\.persists))
    func findOpenBatchAfterReopen(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let open: ReadoutBatch
        do {
            let store = try fixture.openReadout()
            let done = try store.openSampleBatch(source: "/dev/ttyUSB0")
            _ = try store.finishBatch(id: try #require(done.id))
            open = try store.openSampleBatch(source: "/dev/ttyUSB0")
            try store.storeCard("C-1", batch: try #require(open.id), elements: 1...2)
        }
        let reopened = try fixture.openReadout()
        let resumed = try #require(try reopened.findOpenBatch(source: "/dev/ttyUSB0"))
        #expect(resumed == open)
        let resumedID = try #require(resumed.id)
        let card = try #require(try reopened.cardStates(batch: resumedID).first)
        #expect(card.missingElements == [3, 4])
        // Resume: the rest of the card goes into the same batch.
        try reopened.storeCard("C-1", batch: resumedID, elements: 3...4)
        #expect(try reopened.cardStates(batch: resumedID).first?.isComplete == true)
    }

    @Test("doses, QC and calibrations survive reopening", arguments: StoreBackend.labStoreRole.filter(\.persists))
    func everythingSurvivesReopen(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let counts: LabStoreCounts
        let history: [DoseResult]
        do {
            let store = try fixture.open()
            let batchID = try #require(try store.openSampleBatch().id)
            _ = try store.saveReaderQC(ReaderQCRecord(
                batchID: batchID, takenAt: Samples.readAt, pmtDarkCountsPerSecond: 37,
                referenceLightCounts: 100_000, highVoltageVolts: 1050, heaterDeciCelsius: 230))
            try store.storeCard("C-1", batch: batchID)
            _ = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 1.5, flags: ["a", "b"]))
            _ = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 1.4))
            _ = try store.saveCalibration(CalibrationContractTests.factor(1.0, from: 0))
            counts = try store.counts()
            history = try store.doseHistory(card: "C-1")
        }
        let reopened = try fixture.open()
        #expect(try reopened.counts() == counts)
        #expect(try reopened.doseHistory(card: "C-1") == history)
        #expect(counts == LabStoreCounts(batches: 1, openBatches: 1, storedElements: 4, doseVersions: 2,
                                         currentDoses: 1, calibrations: 1))
    }
}
