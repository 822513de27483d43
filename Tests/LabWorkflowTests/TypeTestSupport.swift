import Dosimetry
import LabStore
import LabWorkflow
import Logging
import TLSimulator

let quietLogger = Logger(label: "LabWorkflowTests") { _ in SwiftLogNoOpLogHandler() }

/// The simulated facility and reader, as `tld typetest` wires them.
enum Facility {
    static func reader(_ scenario: Scenario, physics: ReaderPhysics = ReaderPhysics()) throws -> InProcessReader {
        let connection = SimulatedReaderConnection(
            engine: try ReaderEngine(scenario: scenario, statePath: nil, pace: .elementMilliseconds(0), physics: physics))
        return InProcessReader(exchange: { connection.exchange($0) }, idle: { connection.advance(milliseconds: 0) })
    }

    static func cards(_ scenario: Scenario) -> [TypeTestCard] {
        scenario.cards.map { c in
            let beta = RadiationQuality.named(c.quality)?.kind == .beta
            let role: BatchCard.Role = switch c.role {
            case .worker: .worker
            case .calibration: .calibration
            case .control: .control
            }
            return TypeTestCard(
                cardID: c.id, role: role, daysSinceAnneal: c.daysSinceAnneal, field: c.quality, angleDegrees: c.angleDegrees ?? 0,
                radiation: beta ? .beta : .photon, hp10: beta ? nil : MilliSievert(c.hp10MilliSievert), hp007: MilliSievert(c.hp007MilliSievert))
        }
    }

    /// Reads and evaluates a scenario blind into `store`.
    static func run(
        _ scenario: Scenario, store: any LabStore, groupID: String = "TYPETEST", physics: ReaderPhysics = ReaderPhysics()
    ) async throws -> TypeTest.Outcome {
        try await TypeTest(logger: quietLogger).run(reader: reader(scenario, physics: physics), cards: cards(scenario), store: store, groupID: groupID)
    }
}
