/// What ``ReadoutStore/saveReadoutCurve(batch:card:element:readAt:curve:)`` did with a curve the reader
/// handed over.
public enum CurveSaveOutcome: Sendable, Hashable {
    /// The curve is now stored (its transaction committed durably).
    case saved
    /// The element already holds this very curve (same reader CRC-32): it was offered again after a
    /// restart. Nothing was written; the reader may release it.
    case alreadyStored
    /// The element already has another record (a different curve, or lost, or absent). Nothing was
    /// written; the reader must not release the element.
    case conflicting(existing: ElementStatus)
}
