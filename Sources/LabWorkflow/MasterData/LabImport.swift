import Foundation
import LabStore
import Logging

/// `tld import`: an existing lab's customers, wearers and enrolments from an import file
/// (``ImportFile``) into the store, all or nothing.
///
/// ```swift
/// let summary = try LabImport(store: store, protector: protector, logger: logger)
///     .run(utf8: Array(data), orderedOn: today)
/// ```
public struct LabImport: Sendable {
    let store: any MasterDataStore
    let protector: NationalIDProtector
    let logger: Logger

    public init(store: any MasterDataStore, protector: NationalIDProtector, logger: Logger) {
        self.store = store
        self.protector = protector
        self.logger = logger
    }

    /// Why an import did not happen.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// Bad rows: nothing was imported.
        case rejected(ImportRejected)
        /// The store refused or failed: nothing was imported (one transaction).
        case store(LabStoreError)
        /// A national ID could not be sealed (the key).
        case nationalID(NationalIDError)

        public var description: String {
            switch self {
            case let .rejected(r): r.description
            case let .store(e): "nothing imported: \(e)"
            case let .nationalID(e): "nothing imported: \(e)"
            }
        }
    }

    /// Checks the whole file, seals its national IDs, and writes it in one transaction.
    /// - Parameter orderedOn: the order date recorded for new enrolments (the import day).
    public func run(utf8 bytes: [UInt8], orderedOn: CalendarDay) throws(Failure) -> MasterDataImportSummary {
        switch ImportFile.parse(utf8: bytes) {
        case let .success(rows): return try run(rows: rows, orderedOn: orderedOn)
        case let .failure(rejected): throw .rejected(rejected)
        }
    }

    /// Seals the national IDs of rows already checked by ``ImportFile`` and writes them in one transaction.
    public func run(rows: [ImportFile.Row], orderedOn: CalendarDay) throws(Failure) -> MasterDataImportSummary {
        var sealed: [MasterDataImport.Row] = []
        sealed.reserveCapacity(rows.count)
        var seals: [String: ProtectedNationalID] = [:]  // one sealed box per person in the file
        for row in rows {
            let protected: ProtectedNationalID
            if let known = seals[row.nationalIDDigits] {
                protected = known
            } else {
                do { protected = try protector.protect(row.nationalIDDigits) } catch { throw .nationalID(error) }
                seals[row.nationalIDDigits] = protected
            }
            sealed.append(MasterDataImport.Row(
                line: row.line, customer: row.customer, wearerName: row.wearerName, nationalID: protected,
                birthDate: NationalIDBirthDate.birthDate(cprDigits: row.nationalIDDigits),
                dosimeterType: row.dosimeterType, periodLength: row.periodLength, changeDay: row.changeDay,
                cycleMonth: 1, startDate: row.startDate, endDate: row.endDate))
        }
        do {
            return try store.importMasterData(MasterDataImport(rows: sealed, orderedOn: orderedOn))
        } catch {
            throw .store(error)
        }
    }
}
