import Dosimetry
import Foundation
import Instruments
import LabStore
import Logging

/// The type test: cards irradiated in reference fields are read and evaluated blind by the lab's own
/// workflow (`ReadoutJob`: readout over the driver, storage, batch calibration from the S-Cs
/// calibration dosimeters, background from the controls, the dose algorithm), and every result is
/// judged against the trumpet curve.
public struct TypeTest: Sendable {
    public var curve: TrumpetCurve
    let logger: Logger

    public init(curve: TrumpetCurve = TrumpetCurve(), logger: Logger) {
        self.curve = curve
        self.logger = logger
    }

    /// What the lab made of one card.
    public struct CardResult: Sendable {
        public var card: TypeTestCard
        public var dose: DoseResult?
        /// Fading- and ECC-corrected reading of each element in units of its S-Cs calibration
        /// (mSv of ¹³⁷Cs Hp(10), Hp(0.07) for the shallow element), less the controls' background:
        /// the raw material of the algorithm.
        public var elementReadings: [ElementRole: Double]
    }

    public struct Outcome: Sendable {
        public var cards: [CardResult]
        public var judgements: [TrumpetCurve.Judgement]
        public var curve: TrumpetCurve
        public var batchID: ReadoutBatch.ID
        public var passes: Bool { !judgements.isEmpty && judgements.allSatisfy(\.passes) }
    }

    /// Reads the reader's magazine (the type-test cards) into `store` and judges the results.
    public func run(
        reader device: InProcessReader, cards: [TypeTestCard], store: any DoseStore, groupID: String = "TYPETEST",
        progress: @escaping @Sendable (ReadoutProgress) -> Void = { _ in }
    ) async throws -> Outcome {
        let link = MemoryLink()
        let reader = TLReader(transport: link.host, logger: logger)
        let serving = Task { await device.serve(on: link.device) }
        let job = ReadoutJob(store: store, logger: logger)
        let result: ReadoutJob.Result
        do {
            result = try await job.run(
                reader: reader, manifest: cards.map { $0.shipmentCard(readAt: Date()) }, groupID: groupID, progress: progress)
        } catch {
            await link.cut()
            await serving.value
            throw error
        }
        await link.cut()
        await serving.value
        guard case let .read(outcome) = result, let batchID = outcome.batch.id else { throw TypeTestError.nothingRead }
        return try judge(batchID: batchID, cards: cards, store: store, evaluator: job.evaluator ?? BatchEvaluator(store: store, logger: logger))
    }

    /// Judges the current doses of a batch already read (also after a re-evaluation).
    public func judge(batchID: ReadoutBatch.ID, cards: [TypeTestCard], store: any DoseStore, evaluator: BatchEvaluator) throws -> Outcome {
        guard let batch = try store.batch(id: batchID) else { throw TypeTestError.nothingRead }
        let doses = Dictionary(try store.currentDoses(batch: batchID).map { ($0.cardID, $0) }, uniquingKeysWith: { a, _ in a })
        let manifest = Dictionary(uniqueKeysWithValues: try store.manifest(batch: batchID).map { ($0.cardID, $0) })
        let readings = Dictionary(grouping: try store.readings(batch: batchID), by: \.cardID)
        var inputs: [BatchEvaluator.CardInput] = []
        for c in cards {
            guard let m = manifest[c.cardID], let r = readings[c.cardID] else { continue }
            inputs.append(try evaluator.cardInput(c.cardID, r, m))
        }
        let calibration = try evaluator.batchCalibration(batch, inputs)
        let signals = Dictionary(uniqueKeysWithValues: inputs.map { ($0.card.cardID, $0.signals) })
        let background = evaluator.algorithm.backgroundPerDay(
            controls: inputs.filter { $0.card.role == .control }.map(\.signals), calibration: calibration.value)?.value ?? 0

        var results: [CardResult] = []
        var judgements: [TrumpetCurve.Judgement] = []
        for card in cards {
            let dose = doses[card.cardID]
            let elements = signals[card.cardID].map { s in
                evaluator.algorithm.roleDoses(s, calibration: calibration.value).mapValues { $0 - background * s.daysFromAnneal.value }
            } ?? [:]
            results.append(CardResult(card: card, dose: dose, elementReadings: elements))
            guard card.role == .worker else { continue }
            if card.radiation == .photon, let h = card.hp10 {
                judgements.append(curve.judge(dosimeter: card.cardID, label: card.label, quantity: .hp10, delivered: h, measured: dose?.hp10MilliSievert.map(MilliSievert.init)))
            }
            if let h = card.hp007 {
                judgements.append(curve.judge(dosimeter: card.cardID, label: card.label, quantity: .hp007, delivered: h, measured: dose?.hp007MilliSievert.map(MilliSievert.init)))
            }
        }
        return Outcome(cards: results, judgements: judgements, curve: curve, batchID: batchID)
    }
}

public enum TypeTestError: Error, Sendable, Hashable, CustomStringConvertible {
    case nothingRead

    public var description: String {
        switch self {
        case .nothingRead: "the type-test reader had no card to read"
        }
    }
}
