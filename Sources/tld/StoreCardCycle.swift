import LabStore
import Logging

/// Opening the lab for the commands that need only the card cycle's role (``CardCycleStore``):
/// `tld inspect` and `tld zero`. Both backends have it (PostgreSQL since issue 15), so these commands
/// run on a PostgreSQL database as on a SQLite file.
extension StoreOptions {
    /// The card cycle of an existing lab: PostgreSQL (schema brought up to date, created when empty)
    /// or the SQLite file, which must exist (exit 66).
    func openCardCycle(logger: Logger) throws -> any CardCycleStore {
        try openLabRecords(logger: logger)
    }
}

extension InspectCommand: PostgresGate.Supported {}
extension ZeroCommand: PostgresGate.Supported {}
