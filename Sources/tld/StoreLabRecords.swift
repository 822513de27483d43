import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import Logging

/// Opening the lab for the commands that need only the lab-records role (``LabRecordStore``) with the
/// master-data and national-ID key roles: `tld intake`, `tld cards`, `tld customer` (`tld inspect` and
/// `tld zero` need only the card cycle's role: StoreCardCycle.swift). Both backends have these roles (PostgreSQL since issue 15), so these commands run
/// on a PostgreSQL database as on a SQLite file.
extension StoreOptions {
    /// The lab's records: PostgreSQL (schema brought up to date, created when empty) or the SQLite
    /// file — created when `create` (`tld cards add`, `tld customer add` may start a lab), else it
    /// must exist (exit 66).
    func openLabRecords(logger: Logger, create: Bool = false) throws -> any LabRecordStore & MasterDataStore & NationalIDKeyStore {
        if isPostgres { return try openPostgres(logger: logger) }
        return create ? try openOrCreate(logger: logger) : try openExisting(logger: logger)
    }

    /// The database as messages name it: the file, or the PostgreSQL URL without its password.
    var databaseDisplayName: String {
        isPostgres ? ((try? postgresURL())?.description ?? "postgres://…") : path
    }
}

extension Intake: PostgresGate.Supported {}
extension CardsCommand.Add: PostgresGate.Supported {}
extension CardsCommand.List: PostgresGate.Supported {}
extension CardsCommand.Retire: PostgresGate.Supported {}
extension CustomerCommand.Add: PostgresGate.Supported {}
extension CustomerCommand.List: PostgresGate.Supported {}
extension CustomerCommand.Show: PostgresGate.Supported {}
extension CustomerCommand.Change: PostgresGate.Supported {}
extension EnrolmentCommand.Add: PostgresGate.Supported {}
extension EnrolmentCommand.List: PostgresGate.Supported {}
extension EnrolmentCommand.Show: PostgresGate.Supported {}
extension EnrolmentCommand.Change: PostgresGate.Supported {}
extension Unenrol: PostgresGate.Supported {}
extension WearerCommand.Add: PostgresGate.Supported {}
extension WearerCommand.Show: PostgresGate.Supported {}
extension WearerCommand.Change: PostgresGate.Supported {}
extension CurvesCommand.Export: PostgresGate.Supported {}
