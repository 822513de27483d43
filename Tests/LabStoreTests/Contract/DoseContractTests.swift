import Foundation
import Testing
@testable import LabStore

@Suite("Store contract: dose versions")
struct DoseContractTests {
    @Test("re-evaluations add versions; exactly one is current", arguments: StoreBackend.labStoreRole)
    func versionsAccumulate(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.open()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        try store.storeCard("C-2", batch: batchID)

        let v1 = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.31))
        _ = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-2", hp10: 0.05))
        let supersededAt = fixture.clock.next
        let v2 = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.29, flags: ["fading"]))
        let v3 = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.30, hp007: nil))

        #expect([v1.version, v2.version, v3.version] == [Int](1...3))
        let history = try store.doseHistory(card: "C-1")
        #expect(history.map(\.version) == [1, 2, 3])
        #expect(history.map(\.hp10MilliSievert) == [0.31, 0.29, 0.30])
        #expect(history.filter(\.isCurrent).map(\.id) == [v3.id])
        #expect(history[0].supersededAt != nil)
        #expect(history[1].supersededAt == supersededAt.addingTimeInterval(1))
        #expect(history[1].flags == ["fading"])
        #expect(history[2].hp007MilliSievert == nil)

        let current = try store.currentDoses(batch: batchID)
        #expect(current.map(\.cardID) == ["C-1", "C-2"])
        #expect(current.first == v3)
        let counts = try store.counts()
        #expect((counts.doseVersions, counts.currentDoses) == (4, 2))
    }

    @Test("a card with no stored element gets no dose", arguments: StoreBackend.labStoreRole)
    func noDoseWithoutStoredReadings(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        let batchID = try #require(try store.openSampleBatch(elementsPerCard: 2).id)
        _ = try store.markElementLost(batch: batchID, card: "C-L", element: 1, reason: "interrupted")
        _ = try store.markElementLost(batch: batchID, card: "C-L", element: 2, reason: "interrupted")
        #expect(throws: LabStoreError.noStoredReadings(batch: batchID, cardID: "C-L")) {
            try store.saveDose(Samples.evaluation(batch: batchID, card: "C-L", hp10: 0.1))
        }
        #expect(throws: LabStoreError.noStoredReadings(batch: batchID, cardID: "C-never-read")) {
            try store.saveDose(Samples.evaluation(batch: batchID, card: "C-never-read", hp10: 0.1))
        }
        #expect(try store.doseHistory(card: "C-L").isEmpty)
    }

    @Test("dose values must be finite", arguments: StoreBackend.labStoreRole)
    func nonFiniteDose(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        #expect(throws: LabStoreError.nonFiniteValue(field: "hp10MilliSievert")) {
            try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: .nan))
        }
        #expect(throws: LabStoreError.nonFiniteValue(field: "hp007MilliSievert")) {
            try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.1, hp007: .infinity))
        }
    }

    @Test("review states move forward; a released dose never changes", arguments: StoreBackend.labStoreRole)
    func reviewStates(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        let dose = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 12.5))
        let id = try #require(dose.id)

        #expect(try store.setDoseState(id: id, to: .needsReview).state == .needsReview)
        #expect(throws: LabStoreError.invalidDoseStateChange(from: .needsReview, to: .needsReview)) {
            try store.setDoseState(id: id, to: .needsReview)
        }
        let released = try store.setDoseState(id: id, to: .released)
        #expect(released.state == .released)
        #expect(released.hp10MilliSievert == 12.5)
        #expect(throws: LabStoreError.releasedDoseIsImmutable(id)) {
            try store.setDoseState(id: id, to: .evaluated)
        }
        #expect(throws: LabStoreError.doseNotFound(DoseResult.ID(rawValue: 777))) {
            try store.setDoseState(id: DoseResult.ID(rawValue: 777), to: .released)
        }
        #expect(try store.counts().releasedDoses == 1)
    }

    @Test("re-evaluating a released dose adds a version; the released one stays as it was",
          arguments: StoreBackend.labStoreRole)
    func correctionOfReleasedDose(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        let first = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.4))
        let released = try store.setDoseState(id: try #require(first.id), to: .released)
        let correction = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.35))

        let history = try store.doseHistory(card: "C-1")
        #expect(history.count == 2)
        var expectedOld = released
        expectedOld.supersededAt = history[0].supersededAt
        #expect(history[0] == expectedOld)
        #expect(history[0].supersededAt != nil)
        #expect(history[0].state == .released)
        #expect(history[1] == correction)
        // The superseded version cannot change state.
        let oldID = try #require(first.id)
        #expect(throws: LabStoreError.releasedDoseIsImmutable(oldID)) {
            try store.setDoseState(id: oldID, to: .evaluated)
        }
    }

    @Test("a superseded, unreleased version cannot be released", arguments: StoreBackend.labStoreRole)
    func supersededCannotChange(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        let old = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.4))
        _ = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.5))
        let oldID = try #require(old.id)
        #expect(throws: LabStoreError.doseSuperseded(oldID)) {
            try store.setDoseState(id: oldID, to: .released)
        }
    }

    @Test("doses of a card are kept per batch across reuse of the card", arguments: StoreBackend.labStoreRole)
    func historyAcrossBatches(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        let january = try #require(try store.openSampleBatch(source: "jan").id)
        let april = try #require(try store.openSampleBatch(source: "apr").id)
        try store.storeCard("C-1", batch: january)
        try store.storeCard("C-1", batch: april)
        _ = try store.saveDose(Samples.evaluation(batch: april, card: "C-1", hp10: 0.2))
        _ = try store.saveDose(Samples.evaluation(batch: january, card: "C-1", hp10: 0.1))
        let history = try store.doseHistory(card: "C-1")
        #expect(history.map(\.batchID) == [january, april])
        #expect(history.map(\.version) == [1, 1])
        #expect(history.allSatisfy { $0.isCurrent })
    }
}
