/// Checks every backend runs before it writes, so that all backends refuse the same inputs with
/// the same ``LabStoreError``.
public enum StoreValidation {
    public static func groupID(_ groupID: String) throws(LabStoreError) {
        guard ReadoutBatch.isValidGroupID(groupID) else { throw .invalidGroupID(groupID) }
    }

    public static func cardID(_ cardID: String) throws(LabStoreError) {
        let hasControl = cardID.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard !cardID.isEmpty, !hasControl else { throw .invalidCardID(cardID) }
    }

    public static func elementsPerCard(_ count: Int) throws(LabStoreError) {
        guard ReadoutBatch.elementRange.contains(count) else { throw .invalidElementsPerCard(count) }
    }

    public static func element(_ element: Int, elementsPerCard: Int) throws(LabStoreError) {
        guard (1...max(1, elementsPerCard)).contains(element) else {
            throw .elementOutOfRange(element: element, elementsPerCard: elementsPerCard)
        }
    }

    /// The outcome of a reading: a lost element has a reason; a stored curve is whole and is the
    /// curve the reader sent (its CRC-32 matches).
    public static func outcome(_ outcome: ElementReading.Outcome) throws(LabStoreError) {
        switch outcome {
        case .absent:
            return
        case let .lost(reason):
            guard !reason.allSatisfy(\.isWhitespace) else { throw .missingLostReason }
        case let .stored(curve):
            guard curve.counts.count == curve.temperaturesDeciCelsius.count else {
                throw .channelCountMismatch(counts: curve.counts.count,
                                            temperatures: curve.temperaturesDeciCelsius.count)
            }
            guard ElementCurve.channelRange.contains(curve.channelCount) else {
                throw .channelCountOutOfRange(curve.channelCount)
            }
            let computed = curve.computedCRC32()
            guard computed == curve.readerCurveCRC32 else {
                throw .curveChecksumMismatch(readerCRC32: curve.readerCurveCRC32, computedCRC32: computed)
            }
        }
    }

    public static func finite(_ value: Double?, field: String) throws(LabStoreError) {
        if let value, !value.isFinite { throw .nonFiniteValue(field: field) }
    }
}
