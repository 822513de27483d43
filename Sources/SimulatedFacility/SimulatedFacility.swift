import Dosimetry
import LabStore
import LabWorkflow
import TLSimulator

/// The simulated irradiation facility and reader behind `tld typetest`, its tests and benchmarks:
/// the simulator's engine at instant pace behind the in-process reader interface, and the
/// facility's record of each card (role, field, true dose) for the blind judgement.
public enum SimulatedFacility {
    /// The simulated reader for a scenario, at instant pace (no state file).
    public static func reader(_ scenario: Scenario, physics: ReaderPhysics = ReaderPhysics()) throws -> InProcessReader {
        let connection = SimulatedReaderConnection(
            engine: try ReaderEngine(scenario: scenario, statePath: nil, pace: .elementMilliseconds(0), physics: physics))
        return InProcessReader(exchange: { connection.exchange($0) }, idle: { connection.advance(milliseconds: 0) })
    }

    /// The facility's record of each card of a scenario: role, field, angle and true doses.
    public static func cards(_ scenario: Scenario) -> [TypeTestCard] {
        scenario.cards.map { c in
            let beta = RadiationQuality.named(c.quality)?.kind == .beta
            let role: BatchCard.Role = switch c.role {
            case .worker: .worker
            case .calibration: .calibration
            case .control: .control
            }
            return TypeTestCard(
                cardID: c.id, role: role, daysSinceAnneal: c.daysSinceAnneal, field: c.quality, angleDegrees: c.angleDegrees ?? 0,
                radiation: beta ? .beta : .photon, hp10: beta ? nil : MilliSievert(c.hp10MilliSievert),
                hp007: MilliSievert(c.hp007MilliSievert))
        }
    }
}
