import Foundation

/// A period of a registry export: the period as it stands on the record of the person who wore the
/// card, and that person's wearer row (name, birth date, sealed national ID, look-up hash).
public struct RegistryPeriod: Sendable, Hashable {
    public var period: DoseRecordPeriod
    public var wearer: Wearer

    public init(period: DoseRecordPeriod, wearer: Wearer) {
        self.period = period
        self.wearer = wearer
    }

    /// The person's look-up hash (the record's key in the export log).
    public var personLookup: Data { wearer.nationalIDLookup }
}
