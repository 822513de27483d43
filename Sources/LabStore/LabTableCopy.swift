/// A lab's tables as plain rows, for moving a lab from one backend to another (`tld db copy`):
/// the values as the source database holds them, column by column, and the checks the copy is
/// verified by. The SQLite backend implements it (SQLiteLabStore+TableCopy.swift).
public protocol LabTableSource: Sendable {
    /// Every table of the lab with data in it, and how many rows it holds (the schema's own
    /// bookkeeping left out).
    func tableRowCounts() throws(LabStoreError) -> [String: Int]
    /// Every row of `table` (its columns in the database's order), by primary key.
    func tableRows(_ table: String) throws(LabStoreError) -> LabTableRows
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
