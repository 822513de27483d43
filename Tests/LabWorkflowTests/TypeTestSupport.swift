import Dosimetry
import LabStore
import LabWorkflow
import Logging
import SimulatedFacility
import TLSimulator

let quietLogger = Logger(label: "LabWorkflowTests") { _ in SwiftLogNoOpLogHandler() }

/// The simulated facility and reader of `tld typetest` (``SimulatedFacility``), with a blind run.
enum Facility {
    static func reader(_ scenario: Scenario, physics: ReaderPhysics = ReaderPhysics()) throws -> InProcessReader {
        try SimulatedFacility.reader(scenario, physics: physics)
    }

    static func cards(_ scenario: Scenario) -> [TypeTestCard] { SimulatedFacility.cards(scenario) }

    /// Reads and evaluates a scenario blind into `store`.
    static func run(
        _ scenario: Scenario, store: any DoseStore, groupID: String = "TYPETEST", physics: ReaderPhysics = ReaderPhysics()
    ) async throws -> TypeTest.Outcome {
        try await TypeTest(logger: quietLogger).run(reader: reader(scenario, physics: physics), cards: cards(scenario), store: store, groupID: groupID)
    }
}
