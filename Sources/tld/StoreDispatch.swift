import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import Logging

/// Opening the lab for the commands that need the dispatch role (``DispatchStore``: price lists,
/// shipments with their charges, the charges ledger) with the lab records and the national-ID key:
/// `tld dispatch`, `tld charges`, `tld prices`; and `tld overdue` (the chase list of cards to remind
/// and compensate, the lab-records role only, StoreLabRecords.swift's opener). Both backends have these roles (PostgreSQL since
/// issue 15), so these commands run on a PostgreSQL database as on a SQLite file, with the same
/// output and the same documents.
extension StoreOptions {
    /// The lab's dispatch and charges: PostgreSQL (schema brought up to date, created when empty) or
    /// an existing SQLite file (exit 66 when missing).
    func openDispatch(logger: Logger) throws -> any DispatchStore & NationalIDKeyStore {
        if isPostgres { return try openPostgres(logger: logger) }
        return try openExisting(logger: logger)
    }
}

extension DispatchCommand: PostgresGate.Supported {}
extension ChargesCommand: PostgresGate.Supported {}
extension PricesCommand.SetPrices: PostgresGate.Supported {}
extension PricesCommand.ListPrices: PostgresGate.Supported {}
extension Overdue: PostgresGate.Supported {}
