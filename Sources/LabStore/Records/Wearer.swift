import Foundation

/// A person who wears dosimeters: the `wearer` table. The national ID is kept only as AES-GCM
/// ciphertext and a keyed hash for look-up (see ``NationalIDProtector``); the first four digits are
/// shown by decrypting, never stored in clear.
public struct Wearer: Sendable, Hashable, Codable {
    public typealias ID = RecordID<Wearer>

    public var id: ID?
    public var customerID: String
    public var name: String
    /// AES-GCM sealed box (nonce ‖ ciphertext ‖ tag) of the national ID's digits.
    public var nationalIDSealed: Data
    /// HMAC-SHA256 of the national ID's digits under the look-up key: finds a wearer without decrypting.
    public var nationalIDLookup: Data
    /// The birth date the national ID carries (``NationalIDBirthDate``), nil when it carries none or
    /// the wearer was recorded before it was derived.
    public var birthDate: CalendarDay?

    public init(id: ID? = nil, customerID: String, name: String, protectedID: ProtectedNationalID, birthDate: CalendarDay? = nil) {
        self.id = id
        self.customerID = customerID
        self.name = name
        self.nationalIDSealed = protectedID.sealed
        self.nationalIDLookup = protectedID.lookup
        self.birthDate = birthDate
    }

    public var protectedID: ProtectedNationalID {
        ProtectedNationalID(sealed: nationalIDSealed, lookup: nationalIDLookup)
    }
}
