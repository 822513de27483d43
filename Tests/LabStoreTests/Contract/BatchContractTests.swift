import Foundation
import Testing
@testable import LabStore

/// The store contract for readout batches and reader QC. Each test body only uses `any ReadoutStore`
/// from the fixture's factory, so it runs unchanged against every ``StoreBackend``.
@Suite("Store contract: batches")
struct BatchContractTests {
    @Test("opening a batch stamps it open, with the reader, profile and clock", arguments: StoreBackend.readoutRole)
    func openBatch(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openReadout()
        let createdAt = fixture.clock.next
        let batch = try store.openSampleBatch(source: "/dev/ttyUSB0", groupID: "MAG-07", elementsPerCard: 3)

        let id = try #require(batch.id)
        #expect(batch.state == .open)
        #expect(batch.finishedAt == nil)
        #expect(batch.createdAt == createdAt)
        #expect(batch.reader == Samples.reader)
        #expect(batch.elementsPerCard == 3)
        #expect(batch.timeTemperatureProfile == Samples.profile)
        #expect(batch.timeTemperatureProfile.rampCelsiusPerSecond == 10)
        #expect(try store.batch(id: id) == batch)
        #expect(try store.findOpenBatch(source: "/dev/ttyUSB0") == batch)
        #expect(try store.findOpenBatch(source: "/dev/ttyUSB1") == nil)
    }

    @Test("one open batch per source", arguments: StoreBackend.readoutRole)
    func oneOpenBatchPerSource(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let first = try store.openSampleBatch(source: "/dev/ttyUSB0")
        let firstID = try #require(first.id)
        #expect(throws: LabStoreError.batchAlreadyOpen(source: "/dev/ttyUSB0", existing: firstID)) {
            try store.openSampleBatch(source: "/dev/ttyUSB0")
        }
        // Another reader may run at the same time; after finishing, the source may open again.
        _ = try store.openSampleBatch(source: "/dev/ttyUSB1")
        _ = try store.finishBatch(id: firstID)
        let second = try store.openSampleBatch(source: "/dev/ttyUSB0")
        #expect(second.id != first.id)
        let other = try #require(try store.findOpenBatch(source: "/dev/ttyUSB1"))
        #expect(try store.batches().map(\.id) == [first.id, other.id, second.id])
    }

    @Test("finishing a batch completes it once", arguments: StoreBackend.readoutRole)
    func finishBatch(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openReadout()
        let id = try #require(try store.openSampleBatch().id)
        let finishedAt = fixture.clock.next
        let finished = try store.finishBatch(id: id)
        #expect(finished.state == .complete)
        #expect(finished.finishedAt == finishedAt)
        #expect(try store.findOpenBatch(source: finished.source) == nil)
        // Again: nothing changes.
        #expect(try store.finishBatch(id: id) == finished)
        #expect(throws: LabStoreError.batchNotFound(ReadoutBatch.ID(rawValue: 999))) {
            try store.finishBatch(id: ReadoutBatch.ID(rawValue: 999))
        }
    }

    @Test("group IDs must be 1–16 printable ASCII characters",
          arguments: StoreBackend.readoutRole, ["", "ABCDEFGHIJKLMNOPQ", " MAG", "MAG ", "MAG\u{7}", "MAGÅ"])
    func invalidGroupID(backend: StoreBackend, groupID: String) throws {
        let store = try backend.makeFixture().openReadout()
        #expect(throws: LabStoreError.invalidGroupID(groupID)) {
            try store.openSampleBatch(groupID: groupID)
        }
        #expect(try store.readoutCounts().batches == 0)
    }

    @Test("group IDs of 1 and 16 characters are accepted", arguments: StoreBackend.readoutRole)
    func validGroupIDBoundaries(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        #expect(try store.openSampleBatch(source: "a", groupID: "M").groupID == "M")
        #expect(try store.openSampleBatch(source: "b", groupID: "ABCDEFGHIJKLMNOP").groupID == "ABCDEFGHIJKLMNOP")
    }

    @Test("a batch has 1–4 element positions per card", arguments: StoreBackend.readoutRole, [0, 5, -1])
    func invalidElementsPerCard(backend: StoreBackend, elementsPerCard: Int) throws {
        let store = try backend.makeFixture().openReadout()
        #expect(throws: LabStoreError.invalidElementsPerCard(elementsPerCard)) {
            try store.openSampleBatch(elementsPerCard: elementsPerCard)
        }
    }

    @Test("reader QC records are kept per batch in time order, only while it is open",
          arguments: StoreBackend.readoutRole)
    func readerQC(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let id = try #require(try store.openSampleBatch().id)
        let later = ReaderQCRecord(batchID: id, takenAt: Samples.readAt.addingTimeInterval(60),
                                   pmtDarkCountsPerSecond: 41, referenceLightCounts: 100_210,
                                   highVoltageVolts: 1050, heaterDeciCelsius: 231)
        let earlier = ReaderQCRecord(batchID: id, takenAt: Samples.readAt, pmtDarkCountsPerSecond: 37,
                                     referenceLightCounts: 100_002, highVoltageVolts: 1049, heaterDeciCelsius: 229)
        let savedLater = try store.saveReaderQC(later)
        let savedEarlier = try store.saveReaderQC(earlier)
        #expect(savedLater.id != nil)
        #expect(try store.readerQC(batch: id) == [savedEarlier, savedLater])
        _ = try store.finishBatch(id: id)
        #expect(throws: LabStoreError.batchNotOpen(id)) { try store.saveReaderQC(earlier) }
    }
}
