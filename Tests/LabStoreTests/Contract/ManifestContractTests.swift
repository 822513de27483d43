import Foundation
import Testing
@testable import LabStore

@Suite("Store contract: batch manifest and non-assessable doses")
struct ManifestContractTests {
    @Test("the manifest is kept once per card and read back in card order", arguments: StoreBackend.readoutRole)
    func manifestRoundTrip(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openReadout()
        let batch = try store.openSampleBatch()
        let id = try #require(batch.id)
        let annealed = Date(timeIntervalSince1970: 1_790_000_000)
        let cards = [
            BatchCard(batchID: id, cardID: "90000016", role: .calibration, annealedAt: annealed,
                      deliveredHp10MilliSievert: 2, deliveredHp007MilliSievert: 2, referenceField: "S-Cs"),
            BatchCard(batchID: id, cardID: "10000017", role: .worker, annealedAt: annealed),
            BatchCard(batchID: id, cardID: "80000018", role: .control, annealedAt: nil),
        ]
        try store.saveManifest(cards)
        // A resumed batch saves its manifest again: nothing is doubled or changed.
        try store.saveManifest(cards)
        #expect(try store.manifest(batch: id) == cards.sorted { $0.cardID < $1.cardID })
    }

    @Test("a calibration dosimeter without a delivered dose is refused", arguments: StoreBackend.readoutRole)
    func calibrationNeedsDose(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openReadout()
        let id = try #require(try store.openSampleBatch().id)
        #expect(throws: LabStoreError.self) {
            try store.saveManifest([BatchCard(batchID: id, cardID: "90000016", role: .calibration, annealedAt: nil)])
        }
        #expect(try store.manifest(batch: id).isEmpty)
    }

    @Test("a dose whose Hp(10) is not assessable is stored as such", arguments: StoreBackend.labStoreRole)
    func notAssessable(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.open()
        let id = try #require(try store.openSampleBatch().id)
        _ = try store.saveElementReading(Samples.storedReading(batch: id, card: "10000017", element: 1))
        let saved = try store.saveDose(Samples.evaluation(batch: id, card: "10000017", hp10: 1, hp007: nil))
        #expect(saved.hp10MilliSievert == 1)
        var e = Samples.evaluation(batch: id, card: "10000017", hp10: 0, flags: ["hp10-not-assessable"])
        e.hp10MilliSievert = nil
        let v2 = try store.saveDose(e)
        #expect(v2.hp10MilliSievert == nil)
        #expect(v2.version == 2)
    }
}
