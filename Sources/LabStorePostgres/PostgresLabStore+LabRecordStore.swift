import LabStore

/// The lab-records role (``LabRecordStore``) on PostgreSQL: customers, wearers, enrolments, cards and
/// prices (PostgresLabStore+Customers.swift), shipments, issues and returns (+Issues.swift), the card
/// cycle's inspections, read/released moves, anneal and zeroing (+Cycle.swift), and the audited doses
/// (+Doses.swift, +DoseAudit.swift).
extension PostgresLabStore: LabRecordStore {}
