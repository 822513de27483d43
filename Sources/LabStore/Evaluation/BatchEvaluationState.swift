/// Where a readout batch stands in evaluation. A batch is *read* when its last curve is stored
/// (`ReadoutBatch.State.complete`); it is *evaluated* only when every card has a current dose or a
/// recorded ``NotEvaluatedReason``.
public enum BatchEvaluationState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not (or not completely) evaluated yet: the next command that finds it evaluates it.
    case pending
    /// Every card has a dose or a reason why not.
    case evaluated
    /// Not a batch of wearers' doses (e.g. the background check after an anneal).
    case notForDoses
}
