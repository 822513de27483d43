import LabStore

/// The lab-records role (``LabRecordStore``) on PostgreSQL: customers, wearers, enrolments, cards and
/// prices (PostgresLabStore+Customers.swift), shipments, issues and returns (+Issues.swift), and the
/// audited doses (+Doses.swift, +DoseAudit.swift); it refines the card cycle's role
/// (``CardCycleStore``: inspections, read/released moves, anneal and zeroing, +Cycle.swift).
extension PostgresLabStore: LabRecordStore {}
