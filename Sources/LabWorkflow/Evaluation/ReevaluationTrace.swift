import Dosimetry
import Foundation
import LabStore

/// Where every factor of a stored dose comes from: the dose version → its reader calibration records
/// (and the calibration dosimeters and delivered doses behind a batch calibration) → the element
/// correction coefficients in force at the readout → the fading model, the response table and the
/// algorithm version → the control dosimeters that gave the background.
public struct DoseTrace: Sendable {
    /// One factor of the dose and its record.
    public struct Link: Sendable, Hashable {
        public var factor: String
        public var value: Double?
        public var unit: String
        public var source: String
        public var recordID: Int64?
        public var validFrom: Date?
        /// End of the value's validity (`CalibrationValidity`), for records that have one.
        public var validUntil: Date?
    }

    public var dose: DoseResult
    public var links: [Link]
    /// The calibration dosimeters behind a batch calibration, with the dose the lab delivered.
    public var calibrationDosimeters: [BatchCard]
    /// Control dosimeters of the batch (background).
    public var controls: [String]

    /// Traces the dose version `version` (nil = current) of `cardID` in its batch.
    public static func trace(
        cardID: String, version: Int? = nil, store: any DoseStore, algorithm: DoseAlgorithm = DoseAlgorithm(),
        validity: CalibrationValidity = .default
    ) throws -> DoseTrace {
        let history = try store.doseHistory(card: cardID)
        guard let dose = version.map({ v in history.last { $0.version == v } }) ?? history.last(where: { $0.supersededAt == nil }) ?? history.last else {
            throw WorkflowError.batchNotFound("no dose of card \(cardID)")
        }
        guard let batch = try store.batch(id: dose.batchID) else { throw WorkflowError.batchNotFound("\(dose.batchID)") }
        let manifest = try store.manifest(batch: dose.batchID)
        var links: [Link] = []
        var dosimeters: [BatchCard] = []
        let calibrationID = dose.calibrationID ?? ""

        // Reader calibration.
        for pos in algorithm.cardType.elements {
            let kind = CalibrationKind.countsPerMilliSievert(pos.role)
            let records = try store.calibrations(kind: kind, subject: batch.readerSerial)
            let used: [CalibrationRecord]
            if calibrationID.hasPrefix("batch:") {
                let group = String(calibrationID.dropFirst("batch:".count))
                used = records.filter { $0.source.hasPrefix("batch \(group): calibration dosimeters") }
            } else if calibrationID.hasPrefix("records:") {
                let ids = Set(calibrationID.dropFirst("records:".count).split(separator: ",").compactMap { Int64($0) })
                used = records.filter { r in r.id.map { ids.contains($0.rawValue) } ?? false }
            } else {
                used = []
            }
            for r in used {
                let until = calibrationID.hasPrefix("batch:") ? nil
                    : r.validFrom.adding(validity.readerCalibration)
                links.append(Link(factor: "reader calibration, element \(pos.number) (\(pos.role.rawValue))", value: r.value, unit: r.unit,
                                  source: r.source + (calibrationID.hasPrefix("batch:") ? " (valid for its batch)" : ""),
                                  recordID: r.id?.rawValue, validFrom: r.validFrom, validUntil: until))
            }
            if calibrationID.hasPrefix("batch:"), let r = used.first {
                let listed = r.source.dropFirst("batch \(batch.groupID): calibration dosimeters ".count).split(separator: ";").first ?? ""
                let ids = Set(listed.split(separator: ",").map(String.init))
                for card in manifest where ids.contains(card.cardID) && !dosimeters.contains(card) { dosimeters.append(card) }
            }
        }

        // Element correction coefficients in force at the card's readout.
        let readAt = try store.readings(batch: dose.batchID).filter { $0.cardID == cardID }.map(\.readAt).min() ?? dose.evaluatedAt
        for pos in algorithm.cardType.elements {
            let subject = ElementCorrection.recordSubject(card: cardID, element: pos.number)
            if let r = try store.calibration(kind: .elementCorrection, subject: subject, at: readAt) {
                links.append(Link(factor: "ECC element \(pos.number)", value: r.value, unit: r.unit, source: r.source, recordID: r.id?.rawValue,
                                  validFrom: r.validFrom, validUntil: r.validFrom.adding(validity.elementCorrection)))
            } else {
                links.append(Link(factor: "ECC element \(pos.number)", value: 1, unit: "1", source: "no ECC record in force: 1", recordID: nil, validFrom: nil, validUntil: nil))
            }
        }

        // Constants of the algorithm.
        if case let .exponentialMidPeriod(k, ref) = algorithm.fading {
            links.append(Link(factor: "fading model", value: k, unit: "1/day",
                              source: "F = exp[−k(t/2 − \(ref) d)], docs/dose-algorithm.md § 3", recordID: nil, validFrom: nil, validUntil: nil))
        }
        links.append(Link(factor: "response table", value: nil, unit: "", source: algorithm.responses.source, recordID: nil, validFrom: nil, validUntil: nil))
        links.append(Link(factor: "algorithm", value: nil, unit: "", source: dose.algorithmID, recordID: nil, validFrom: nil, validUntil: nil))
        let controls = manifest.filter { $0.role == .control }.map(\.cardID)
        links.append(Link(factor: "background", value: nil, unit: "", source: "control dosimeters of batch \(batch.groupID): \(controls.joined(separator: ","))",
                          recordID: nil, validFrom: nil, validUntil: nil))
        return DoseTrace(dose: dose, links: links, calibrationDosimeters: dosimeters, controls: controls)
    }
}
