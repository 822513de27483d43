import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import Logging

/// Opening the lab for the customer portal: `tld serve` and `tld account …`. The portal's own roles
/// (``PortalStore``, ``PortalAgreementStore``, ``PortalWearerAccessStore``, ``PortalSessionStore``,
/// ``PortalOverviewStore``) with the lab records, master data and national-ID key are on both backends
/// (PostgreSQL since issue 16), so the portal runs on a PostgreSQL database as on a SQLite file. Its
/// pages that need a role PostgreSQL does not have yet (result lists, charges, a wearer's own dose
/// record) say so on the page (Portal/PortalApp+StoreRoles.swift).
extension StoreOptions {
    /// The lab for the portal: PostgreSQL (schema brought up to date) or an existing SQLite file (exit 66).
    func openPortal(logger: Logger) throws -> any LabRecordStore & MasterDataStore & NationalIDKeyStore & PortalStore {
        if isPostgres { return try openPostgres(logger: logger) }
        return try openExisting(logger: logger)
    }
}

extension Serve: PostgresGate.Supported {}
extension AccountCommand.Add: PostgresGate.Supported {}
extension AccountCommand.List: PostgresGate.Supported {}
extension AccountCommand.Disable: PostgresGate.Supported {}
extension AccountCommand.Enable: PostgresGate.Supported {}
