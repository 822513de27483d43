/// A lab's tables as plain rows, for moving a lab from one backend to another (`tld db copy`):
/// the values as the source database holds them, column by column, and the checks the copy is
/// verified by. The SQLite backend implements it (SQLiteLabStore+TableCopy.swift).
public protocol LabTableSource: Sendable {
    /// Every table of the lab (the schema's own bookkeeping left out), by name.
    func tableNames() throws(LabStoreError) -> [String]
    /// The columns of `table`, in the database's order.
    func tableColumns(_ table: String) throws(LabStoreError) -> [String]
    /// Every table of the lab with data in it, and how many rows it holds (the schema's own
    /// bookkeeping left out).
    func tableRowCounts() throws(LabStoreError) -> [String: Int]
    /// Every row of `table` (its columns in the database's order), by primary key.
    func tableRows(_ table: String) throws(LabStoreError) -> LabTableRows
    /// Every row of `table` (its columns in the database's order), by primary key, handed to `body`
    /// `pageSize` rows at a time in one read transaction: a large table is never held whole in memory.
    /// An error `body` throws ends the reading and is rethrown.
    func forEachRowPage(_ table: String, pageSize: Int, _ body: (LabTableRows) throws -> Void) throws(LabStoreError)
    /// The backend-independent checksum of `table` (``LabTableChecksum``); `kinds` gives each column's
    /// kind by its lower-cased name (a column not named is taken as text).
    func tableChecksum(_ table: String, kinds: [String: LabColumnKind]) throws(LabStoreError) -> LabTableChecksum
    /// The SHA-256 (hex) over the raw counts blob followed by the temperatures blob of every stored
    /// curve, by element reading id.
    func curveDigests() throws(LabStoreError) -> [Int64: String]
}

/// One value as a database holds it (SQLite's storage classes).
public enum LabTableValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// The rows of one table.
public struct LabTableRows: Sendable, Hashable {
    public var table: String
    public var columns: [String]
    public var rows: [[LabTableValue]]

    public init(table: String, columns: [String], rows: [[LabTableValue]]) {
        self.table = table
        self.columns = columns
        self.rows = rows
    }
}
