import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import Logging

/// Opening the lab for the commands that need only the master-data and national-ID key roles
/// (``MasterDataStore``, ``NationalIDKeyStore``): `tld import`, `tld key` and `tld wearer list` (all wearers). Both backends have
/// them, so these commands run on a PostgreSQL database as on a SQLite file.
extension StoreOptions {
    /// The lab's master data: PostgreSQL (schema brought up to date, created when empty) or the
    /// SQLite file — created when `create` (a lab's first import), else it must exist (exit 66).
    func openMasterData(logger: Logger, create: Bool) throws -> any MasterDataStore & NationalIDKeyStore {
        if isPostgres { return try openPostgres(logger: logger) }
        return create ? try openOrCreate(logger: logger) : try openExisting(logger: logger)
    }
}

extension NationalIDKeyOptions {
    /// A PostgreSQL lab has no database file to keep the key file beside: the key must be named
    /// (--key-file or $TLD_NATIONAL_ID_KEY), never a file called "postgres://….key" (exit 64).
    func requireNamedKey(database: String) throws {
        guard PostgresURL.isPostgres(database), keyFile == nil,
              ProcessInfo.processInfo.environment[NationalIDProtector.environmentVariable]?.isEmpty ?? true else { return }
        throw CommandFailure(
            "a PostgreSQL lab needs its national-ID key named: give --key-file FILE or set $\(NationalIDProtector.environmentVariable)",
            status: .usage)
    }
}

extension Import: PostgresGate.Supported {}
/// Every wearer, or one customer's (the lab records role), on PostgreSQL too.
extension WearerCommand.List: PostgresGate.Supported {}
extension Key: PostgresGate.Supported {}
extension Key.ShowCheck: PostgresGate.Supported {}
extension Key.Backup: PostgresGate.Supported {}
extension Key.Rotate: PostgresGate.Supported {}
