import Foundation
import Testing
@testable import LabStore

/// The store keeps a dose's flags as plain codes (the typed `DoseFlag` lives above it, in Dosimetry):
/// whatever codes it is given come back exactly and in order, codes it has never seen included, so
/// the layer that reads them can tell an unknown code instead of losing it.
@Suite("Store contract: dose flag codes")
struct DoseFlagCodeContractTests {
    @Test("flag codes come back exactly and in order, after reopening", arguments: StoreBackend.labStoreRole.filter(\.persists))
    func codesKeptExactly(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let codes = ["glow-spike", "deep-element-lost", "pmt-drift", "glow-new-check", "deep-element-lost ", "Å-ø", ""]
        do {
            let store = try fixture.open()
            let batchID = try #require(try store.openSampleBatch().id)
            try store.storeCard("C-1", batch: batchID)
            _ = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.3, flags: codes))
        }
        let reopened = try fixture.open()
        #expect(try reopened.doseHistory(card: "C-1").last?.flags == codes)
    }
}
