import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import Logging

/// The store of the cases commands: monitoring-level cases, investigations, authority notifications
/// and annual reviews (``CaseStore``, ``AnnualReviewStore``), with many dose records at once
/// (``DoseRecordBatchStore``: the result list's sums), the master data and the national-ID key. Both
/// backends have these roles (PostgreSQL since issue 15), so `tld cases …`, `tld notifications …`,
/// `tld annual`, the review list and pages (`tld review`, `tld review --page`) and the result list
/// (`tld results --customer`) run on a PostgreSQL database as on a SQLite file, and every evaluation,
/// release and correction checks the monitoring levels on both (``LevelCheck``).
typealias CasesLab = any AnnualReviewStore & DoseRecordBatchStore & ResultTurnaroundStore & MasterDataStore & NationalIDKeyStore

extension StoreOptions {
    /// The lab for a cases command: PostgreSQL (schema brought up to date) or the existing SQLite
    /// file (exit 66 when missing).
    func openCases(logger: Logger) throws -> CasesLab {
        if isPostgres { return try openPostgres(logger: logger) }
        return try openExisting(logger: logger)
    }
}

extension CasesCommand.List: PostgresGate.Supported {}
extension CasesCommand.Show: PostgresGate.Supported {}
extension CasesCommand.Investigate: PostgresGate.Supported {}
extension CasesCommand.Close: PostgresGate.Supported {}
extension CasesCommand.Check: PostgresGate.Supported {}
extension NotificationsCommand.List: PostgresGate.Supported {}
extension NotificationsCommand.Show: PostgresGate.Supported {}
extension NotificationsCommand.MarkSent: PostgresGate.Supported {}
extension AnnualCommand: PostgresGate.Supported {}
