/// Where a dose result stands in review.
///
/// Allowed changes: `evaluated → needsReview`, `evaluated → released`, `needsReview → evaluated`,
/// `needsReview → released`. A released dose never changes again (a trigger enforces it); a
/// correction is a new version.
public enum DoseState: String, Sendable, Hashable, Codable, CaseIterable {
    case evaluated
    case needsReview
    case released

    /// Whether a dose in this state may be moved to `next`.
    public func canChange(to next: DoseState) -> Bool {
        switch (self, next) {
        case (.evaluated, .needsReview), (.evaluated, .released),
             (.needsReview, .evaluated), (.needsReview, .released):
            true
        default:
            false
        }
    }
}
