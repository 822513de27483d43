import Foundation
import GRDB

/// A customer of the dosimetry service (a company, hospital or clinic): the `customer` table.
public struct Customer: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "customer"

    /// The customer number printed on packing slips, e.g. `K-1042`.
    public var id: String
    public var name: String
    public var deliveryAddress: String
    public var contactEmail: String

    public init(id: String, name: String, deliveryAddress: String = "", contactEmail: String = "") {
        self.id = id
        self.name = name
        self.deliveryAddress = deliveryAddress
        self.contactEmail = contactEmail
    }
}
