/// One reason a dose version was routed to review: the `doseReviewReason` table.
public struct DoseReviewReason: Sendable, Hashable, Codable {
    public var doseID: DoseResult.ID
    public var reason: ReviewReason
    /// The specifics, e.g. "Hp(10) 14.20 mSv > report level 10 mSv (K-1001, valid from 2026-01-01)".
    public var detail: String

    public init(doseID: DoseResult.ID, reason: ReviewReason, detail: String) {
        self.doseID = doseID
        self.reason = reason
        self.detail = detail
    }
}
