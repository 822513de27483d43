import ArgumentParser
import Foundation
import LabStore
import LabWorkflow
import Logging
import LabStorePostgres

/// The store of the evaluation commands: the evaluation role (``EvaluationStore``: batch evaluation
/// state, doses with their review reasons, levels, attribution) with results turnaround
/// (``ResultTurnaroundStore``), the master data and the national-ID key. Both backends have these
/// roles (PostgreSQL since issue 15), so `tld readout` evaluates its batch, and `tld evaluate`,
/// `tld release`, `tld review` (list and decisions), `tld anneal`, `tld levels` and `tld results --due/--turnaround` run
/// on a PostgreSQL database as on a SQLite file.
typealias EvaluationLab = any EvaluationStore & ResultTurnaroundStore & MasterDataStore & NationalIDKeyStore

extension StoreOptions {
    /// The lab for an evaluation command: PostgreSQL (schema brought up to date) or the existing
    /// SQLite file (exit 66 when missing).
    func openEvaluation(logger: Logger) throws -> EvaluationLab {
        if isPostgres { return try openPostgres(logger: logger) }
        return try openExisting(logger: logger)
    }

    /// Refuses a part of a command that needs a role PostgreSQL does not have yet (one line, exit 69).
    func refusePostgresPart(_ part: String, role: String) throws {
        guard isPostgres else { return }
        throw CommandFailure(PostgresUnsupported.message(command: part, role: role, database: databaseDisplayName), status: .unavailable)
    }
}

/// The monitoring-level check (``LevelCheck``) of the evaluation commands, on a store that has the
/// cases role (``CaseStore``). A store without it (PostgreSQL so far) cannot open cases: the command
/// says so, and the released doses stay unchecked (no `doseLevelCheck` row), so the first release or
/// review on a store with the cases role checks them (``LevelCheck/catchUp()``).
enum EvaluationLevels {
    static let notChecked = "monitoring levels not checked: the PostgreSQL backend has no cases role yet; "
        + "released doses stay marked unchecked and are checked (cases, authority notifications) once it has"

    /// Checks the released doses whose check never ran; on a store without cases, says why not.
    static func catchUp(_ store: any EvaluationStore, logger: Logger, now: @escaping @Sendable () -> Date) throws {
        guard let cases = store as? any CaseStore else { return note(notChecked) }
        try LevelCheck(store: cases, logger: logger, now: now).catchUp()
    }

    /// The notifications to send and the open cases, where the store keeps them.
    static func news(_ store: any EvaluationStore) throws {
        guard let cases = store as? any CaseStore else { return }
        try printCaseNews(cases)
    }
}

extension PendingEvaluations {
    /// The pending evaluations of either backend's lab.
    init(lab: any EvaluationStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(store: lab, evaluator: BatchEvaluator(store: lab, logger: logger, now: now))
    }
}

extension Evaluate: PostgresGate.Supported {}
extension Release: PostgresGate.Supported {}
extension Review: PostgresGate.Supported {}
extension Results: PostgresGate.Supported {}
extension AnnealCommand: PostgresGate.Supported {}
extension Levels.Set: PostgresGate.Supported {}
extension Levels.Show: PostgresGate.Supported {}
