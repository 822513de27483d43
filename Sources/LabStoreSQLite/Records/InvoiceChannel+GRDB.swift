import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of InvoiceChannel: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension InvoiceChannel: DatabaseValueConvertible {}
