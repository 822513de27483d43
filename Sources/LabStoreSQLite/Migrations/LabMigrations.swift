import GRDB
import LabStore

/// The timeline of the lab database schema.
///
/// Rules (GRDB, Documentation/Migrations.md, "Good Practices for Defining Migrations"):
/// - a migration that has shipped is never edited, renamed or removed: change the schema by
///   registering a new migration at the end;
/// - migrations speak SQL and never use the record types, because they describe past states of
///   the database while the records describe the current one;
/// - each migration runs in its own transaction, with foreign keys checked before it commits.
enum LabMigrations {
    /// The migration names, in order. Tests use this to check a database is fully migrated.
    static let names: [String] = [
        ReadoutSkeletonMigration.name,
        BatchManifestMigration.name,
        LabRecordsMigration.name,
        MasterDataMigration.name,
        DispatchMigration.name,
        EvaluationMigration.name,
        SafetyMigration.name,
        DoseRecordsMigration.name,
        CasesMigration.name,
        PortalMigration.name,
        RecordIndexesMigration.name,
        Portal2Migration.name,
    ]

    static func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(ReadoutSkeletonMigration.name, migrate: ReadoutSkeletonMigration.migrate)
        migrator.registerMigration(BatchManifestMigration.name, migrate: BatchManifestMigration.migrate)
        migrator.registerMigration(LabRecordsMigration.name, migrate: LabRecordsMigration.migrate)
        migrator.registerMigration(MasterDataMigration.name, migrate: MasterDataMigration.migrate)
        migrator.registerMigration(DispatchMigration.name, migrate: DispatchMigration.migrate)
        migrator.registerMigration(EvaluationMigration.name, migrate: EvaluationMigration.migrate)
        migrator.registerMigration(SafetyMigration.name, migrate: SafetyMigration.migrate)
        migrator.registerMigration(DoseRecordsMigration.name, migrate: DoseRecordsMigration.migrate)
        migrator.registerMigration(CasesMigration.name, migrate: CasesMigration.migrate)
        migrator.registerMigration(PortalMigration.name, migrate: PortalMigration.migrate)
        migrator.registerMigration(RecordIndexesMigration.name, migrate: RecordIndexesMigration.migrate)
        migrator.registerMigration(Portal2Migration.name, migrate: Portal2Migration.migrate)
        return migrator
    }
}
