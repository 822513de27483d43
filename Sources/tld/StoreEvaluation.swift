import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import LabWorkflow
import Logging

/// The store of the evaluation commands: the evaluation role (``EvaluationStore``: batch evaluation
/// state, doses with their review reasons, levels, attribution) with results turnaround
/// (``ResultTurnaroundStore``), the cases role (``CaseStore``: the monitoring-level check of every
/// evaluation, release and correction), the master data and the national-ID key. Both backends have
/// these roles (PostgreSQL since issue 15), so `tld readout` evaluates its batch, and `tld evaluate`,
/// `tld release`, `tld review`, `tld anneal`, `tld levels` and `tld results --due/--turnaround` run on a PostgreSQL database as on
/// a SQLite file, with the same cases and authority notifications.
typealias EvaluationLab = any CaseStore & ResultTurnaroundStore & MasterDataStore & NationalIDKeyStore

extension StoreOptions {
    /// The lab for an evaluation command: PostgreSQL (schema brought up to date) or the existing
    /// SQLite file (exit 66 when missing).
    func openEvaluation(logger: Logger) throws -> EvaluationLab {
        if isPostgres { return try openPostgres(logger: logger) }
        return try openExisting(logger: logger)
    }
}

/// The monitoring-level check (``LevelCheck``) of the evaluation commands, on either backend. A
/// released dose whose check never ran (a command killed in between, or a PostgreSQL lab released
/// before it had the cases role: no `doseLevelCheck` row) is checked by the next release or review
/// (``LevelCheck/catchUp()``), as `tld cases` and `tld notifications` do.
enum EvaluationLevels {
    /// Checks the released doses whose check never ran.
    static func catchUp(_ store: any CaseStore, logger: Logger, now: @escaping @Sendable () -> Date) throws {
        try LevelCheck(store: store, logger: logger, now: now).catchUp()
    }

    /// The notifications to send and the open cases.
    static func news(_ store: any CaseStore) throws {
        try printCaseNews(store)
    }
}

extension Evaluate: PostgresGate.Supported {}
extension Release: PostgresGate.Supported {}
extension Review: PostgresGate.Supported {}
extension Results: PostgresGate.Supported {}
extension AnnealCommand: PostgresGate.Supported {}
extension Levels.Set: PostgresGate.Supported {}
extension Levels.Show: PostgresGate.Supported {}
extension ScenarioFromReturns: PostgresGate.Supported {}
