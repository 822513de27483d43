import Dosimetry
import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow
import TLSimulator
import TestSupport
import Testing

@Suite("Re-evaluation, traceability and element correction", .serialized, .cpuHeavy)
struct ReevaluationTests {
    static let caesium = TypeTestIrradiation.Field(quality: "S-Cs", angleDegrees: 0)

    @Test("a new calibration re-evaluates stored readings without the cards; the old doses stay with their calibration")
    func reevaluationKeepsTheOldVersion() async throws {
        let store = try SQLiteLabStore.inMemory(logger: quietLogger)
        let scenario = try TypeTestIrradiation.scenario(fields: [Self.caesium], dosesMilliSievert: [5], cardsPerPoint: 3, seed: 21)
        let outcome = try await Facility.run(scenario, store: store, groupID: "REEVAL")
        let batch = try #require(try store.batch(id: outcome.batchID))
        let before = try store.currentDoses(batch: outcome.batchID)
        let worker = try #require(outcome.cards.first { $0.card.role == .worker }?.card.cardID)
        let old = try #require(before.first { $0.cardID == worker })
        #expect(old.calibrationID == "batch:REEVAL")

        // A later calibration of the reader finds it 25 % more sensitive on every element.
        let later = batch.createdAt.addingTimeInterval(3600)
        for role in ElementRole.allCases {
            let kind = CalibrationKind.countsPerMilliSievert(role)
            guard let r = try store.calibration(kind: kind, subject: batch.readerSerial, at: later) else { continue }
            _ = try store.saveCalibration(CalibrationRecord(
                kind: kind, subject: batch.readerSerial, value: r.value * 1.25, unit: r.unit, validFrom: later,
                source: "recalibration certificate 2026-11 (test)"))
        }
        // The simulated reader is gone: only the store's raw readings are used.
        let after = try Reevaluation(store: store, logger: quietLogger).reevaluate(batchID: outcome.batchID, calibrationAt: later)
        let new = try #require(after.first { $0.cardID == worker })
        #expect(new.version == 2)
        #expect(new.calibrationID?.hasPrefix("records:") == true)
        let ratio = try #require(new.hp10MilliSievert) / #require(old.hp10MilliSievert)
        #expect(abs(ratio - 1 / 1.25) < 0.03)
        #expect(after.count == before.count)

        let history = try store.doseHistory(card: worker)
        #expect(history.map(\.version) == [1, 2])
        #expect(history[0].supersededAt != nil && history[1].supersededAt == nil)
        #expect(history[0].hp10MilliSievert == old.hp10MilliSievert)
        #expect(history[0].calibrationID == "batch:REEVAL")

        // A batch without calibration dosimeters may use the stored calibration only within its
        // validity: with a validity of 0 days the records of an hour earlier are refused.
        var strict = BatchEvaluator(store: store, logger: quietLogger)
        strict.validity = CalibrationValidity(readerCalibration: Days(0), elementCorrection: Days(365))
        let noCalibrationDosimeters = try store.openBatch(
            groupID: "NOCAL", reader: batch.reader, elementsPerCard: batch.elementsPerCard,
            timeTemperatureProfile: batch.timeTemperatureProfile, source: "test: no calibration dosimeters")
        let nocal = try #require(noCalibrationDosimeters.id)
        #expect(try BatchEvaluator(store: store, logger: quietLogger).evaluate(batchID: nocal).isEmpty)
        // The stale calibration is refused: the batch's cards get "no calibration", not a dose.
        let copied = try #require(try store.readings(batch: outcome.batchID).first { $0.cardID == worker && $0.status == .stored })
        _ = try store.saveElementReading(ElementReading(batchID: nocal, cardID: worker, element: copied.element, readAt: copied.readAt, outcome: copied.outcome))
        _ = try store.finishBatch(id: nocal)
        #expect(try strict.evaluate(batchID: nocal).isEmpty)
        #expect(try store.notEvaluatedCards(batch: nocal).map(\.reason) == [.noCalibration])
        #expect(try store.notEvaluatedCards(batch: nocal).first?.detail.contains("days old") == true)

        // Past its validity (90 days) a stored reader calibration is refused.
        #expect(throws: WorkflowError.self) {
            try Reevaluation(store: store, logger: quietLogger).reevaluate(batchID: outcome.batchID, calibrationAt: later.addingTimeInterval(91 * 86_400))
        }
        let trace = try DoseTrace.trace(cardID: worker, store: store)
        let until = try #require(trace.links.first { $0.factor.hasPrefix("reader calibration") }?.validUntil)
        #expect(abs(until.timeIntervalSince(later) - 90 * 86_400) < 1)
        #expect(try DoseTrace.trace(cardID: worker, version: 1, store: store).dose.calibrationID == "batch:REEVAL")
    }

    @Test("a reader whose QC fails its limits sends every dose of the batch to review")
    func readerQCFailureFlagsTheBatch() async throws {
        let store = try SQLiteLabStore.inMemory(logger: quietLogger)
        var noisy = ReaderPhysics()
        noisy.darkCountsPerSecond = 400  // PMT dark rate far above the 100 s⁻¹ limit
        let scenario = try TypeTestIrradiation.scenario(fields: [Self.caesium], dosesMilliSievert: [5], cardsPerPoint: 2, seed: 23)
        let outcome = try await Facility.run(scenario, store: store, groupID: "QCFAIL", physics: noisy)
        let doses = try store.currentDoses(batch: outcome.batchID)
        #expect(!doses.isEmpty)
        #expect(doses.allSatisfy { $0.flags.contains("reader-qc-failed") && $0.state == .needsReview })
        #expect(doses.allSatisfy { $0.remarks.contains("PMT dark count rate") })

        let good = try SQLiteLabStore.inMemory(logger: quietLogger)
        let fine = try await Facility.run(scenario, store: good, groupID: "QCOK")
        #expect(try good.currentDoses(batch: fine.batchID).allSatisfy { !$0.flags.contains("reader-qc-failed") })
    }

    @Test("every factor of a dose traces back to its calibration records (one card)")
    func traceOfOneCard() async throws {
        let store = try SQLiteLabStore.inMemory(logger: quietLogger)
        let scenario = try TypeTestIrradiation.scenario(fields: [Self.caesium], dosesMilliSievert: [3], cardsPerPoint: 2, seed: 22)
        let outcome = try await Facility.run(scenario, store: store, groupID: "TRACE")
        let worker = try #require(outcome.cards.first { $0.card.role == .worker }?.card.cardID)
        let trace = try DoseTrace.trace(cardID: worker, store: store)

        #expect(trace.dose.cardID == worker && trace.dose.algorithmID == DoseAlgorithm.identifier)
        // Reader calibration: one record per element role, each naming the batch's calibration dosimeters.
        let readerLinks = trace.links.filter { $0.factor.hasPrefix("reader calibration") }
        #expect(readerLinks.count == 4)
        #expect(readerLinks.allSatisfy { $0.recordID != nil && $0.source.hasPrefix("batch TRACE: calibration dosimeters") })
        let batch = try #require(try store.batch(id: outcome.batchID))
        for link in readerLinks {
            let roleName = try #require(link.factor.split(separator: "(").last?.dropLast())
            let role = try #require(ElementRole(rawValue: String(roleName)))
            let kind = CalibrationKind.countsPerMilliSievert(role)
            let record = try #require(try store.calibrations(kind: kind, subject: batch.readerSerial).first { $0.id?.rawValue == link.recordID })
            #expect(record.value == link.value)
        }
        // The calibration dosimeters behind it, with the dose the lab delivered and the field.
        #expect(trace.calibrationDosimeters.count == 10)
        #expect(trace.calibrationDosimeters.allSatisfy { $0.deliveredHp10MilliSievert == 2 && $0.referenceField == "S-Cs" })
        // ECC (none recorded yet: 1), fading, response table, algorithm, background.
        #expect(trace.links.filter { $0.factor.hasPrefix("ECC") }.count == 4)
        #expect(trace.links.contains { $0.factor == "fading model" && $0.value == 0.00331 })
        #expect(trace.links.contains { $0.factor == "response table" && $0.source.contains("characterization") })
        #expect(trace.controls.count == 3)
    }

    @Test("ECC run: coefficients per element with a history; applied, they cut the card-to-card spread of ¹³⁷Cs Hp(10)")
    func elementCorrectionRun() async throws {
        // The ECC run: all 30 cards (10 calibration + 20) irradiated alike to 2 mSv S-Cs.
        let eccScenario = try TypeTestIrradiation.scenario(fields: [Self.caesium], dosesMilliSievert: [2], cardsPerPoint: 20, seed: 31)
        let measurement = try TypeTestIrradiation.scenario(fields: [Self.caesium], dosesMilliSievert: [1], cardsPerPoint: 20, seed: 31)
        #expect(eccScenario.cards.map(\.id) == measurement.cards.map(\.id))

        let withECC = try SQLiteLabStore.inMemory(logger: quietLogger)
        let run1 = try await Facility.run(eccScenario, store: withECC, groupID: "ECC1")
        let ecc = ElementCorrectionRun(store: withECC, logger: quietLogger)
        let derived = try ecc.record(batchID: run1.batchID)
        #expect(derived.coefficients.count == 30)  // not the 3 controls
        #expect(derived.calibrationCandidates.count + derived.outsideWindow.count == 30)
        let all = derived.coefficients.values.flatMap(\.values)
        #expect(all.allSatisfy { $0 > 0.8 && $0 < 1.25 })
        #expect(all.contains { abs($0 - 1) > 0.02 })  // the cards do differ

        // A second run on the same cards: each element's history grows; the simulated cards do not age, so drift is small.
        let run2 = try await Facility.run(eccScenario, store: withECC, groupID: "ECC2")
        try ecc.record(batchID: run2.batchID)
        let card = try #require(eccScenario.cards.first { $0.role == .worker }?.id)
        let history = try ecc.history(card: card, element: 2)
        #expect(history.count == 2)
        let drift = try #require(ElementCorrection.drift(history.map(\.value)))
        #expect(abs(drift) < 0.03)

        let corrected = try await Facility.run(measurement, store: withECC, groupID: "CS1")
        let plain = try await Facility.run(measurement, store: try SQLiteLabStore.inMemory(logger: quietLogger), groupID: "CS1")
        func rsd(_ o: TypeTest.Outcome) -> Double {
            let v = o.cards.filter { $0.card.role == .worker }.compactMap { $0.dose?.hp10MilliSievert }
            let m = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot() / m
        }
        #expect(rsd(corrected) < 0.7 * rsd(plain), "RSD with ECC \(rsd(corrected)), without \(rsd(plain))")
        let trace = try DoseTrace.trace(cardID: card, store: withECC)
        #expect(trace.links.filter { $0.factor.hasPrefix("ECC") }.allSatisfy { $0.recordID != nil && $0.source.contains("ECC run, batch ECC2") })

        // Past their validity the coefficients are still applied, but every worker card goes to review
        // with a remark naming the record and its age; the doses themselves do not change.
        var strict = BatchEvaluator(store: withECC, logger: quietLogger)
        strict.validity = CalibrationValidity(readerCalibration: Days(90), elementCorrection: Days(0))
        let expired = try strict.evaluate(batchID: corrected.batchID, reevaluate: true)
        let workers = Set(corrected.cards.filter { $0.card.role == .worker }.map(\.card.cardID))
        let expiredWorkers = expired.filter { workers.contains($0.cardID) }
        #expect(expiredWorkers.count == 20)
        #expect(expiredWorkers.allSatisfy { $0.flags.contains("element-correction-expired") && $0.state == .needsReview })
        #expect(expiredWorkers.allSatisfy { $0.remarks.contains("days old, valid for 0; applied") })
        for dose in expiredWorkers {
            let before = try #require(corrected.cards.first { $0.card.cardID == dose.cardID }?.dose?.hp10MilliSievert)
            #expect(abs(try #require(dose.hp10MilliSievert) - before) < 1e-9)
        }
    }
}

@Suite struct ElementCorrectionTests {
    @Test func coefficientsAreRelativeToThePositionMeanAndTheWindowSelects() throws {
        let run = try ElementCorrection.derive(readings: [
            "a": [1: 100, 2: 200], "b": [1: 110, 2: 200], "c": [1: 95, 2: 200], "d": [1: 100, 2: 260],
        ])
        // Position means 101.25 and 215.
        #expect(abs((run.coefficients["b"]?[1] ?? 0) - 101.25 / 110) < 1e-12)
        #expect(abs((run.coefficients["d"]?[2] ?? 0) - 215.0 / 260) < 1e-12)
        #expect(run.outsideWindow == ["d"])
        #expect(run.calibrationCandidates == ["a", "b", "c"])
        #expect(ElementCorrection.drift([1.0, 1.02, 1.05]).map { abs($0 - 0.05) < 1e-12 } == true)
        #expect(ElementCorrection.drift([1.0]) == nil)
    }
}
