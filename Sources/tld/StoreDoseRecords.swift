import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import Logging

/// The store roles of a person's dose record: the record and assigned doses (``DoseRecordStore``),
/// many records at once (``DoseRecordBatchStore``), the registry export log (``RegistryExportStore``)
/// and retention (``RetentionStore``), with the master data and the national-ID key. Both backends
/// have them (PostgreSQL since issue 15).
typealias DoseRecordsStore = DoseRecordBatchStore & RegistryExportStore & RetentionStore & MasterDataStore & NationalIDKeyStore

/// Opening the lab for `tld assign`, `tld history`, `tld registry …` and `tld retention …`: they run
/// on a PostgreSQL database as on a SQLite file.
extension StoreOptions {
    /// The lab's dose records: PostgreSQL (schema brought up to date) or an existing SQLite file
    /// (exit 66 when missing).
    func openDoseRecords(logger: Logger) throws -> any DoseRecordsStore {
        if isPostgres { return try openPostgres(logger: logger) }
        return try openExisting(logger: logger)
    }
}

extension Assign: PostgresGate.Supported {}
extension History: PostgresGate.Supported {}
extension RegistryCommand.Export: PostgresGate.Supported {}
extension RegistryCommand.Validate: PostgresGate.Supported {}
extension RegistryCommand.Log: PostgresGate.Supported {}
extension RetentionCommand.Report: PostgresGate.Supported {}
extension RetentionCommand.Archive: PostgresGate.Supported {}
