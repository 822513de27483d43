/// What became of one element position of a card in a batch.
public enum ElementStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The glow curve is in the store; the reader may release it.
    case stored
    /// The signal is gone without a complete curve (e.g. heating interrupted). Never a dose.
    case lost
    /// The reader reported no pellet in this position.
    case absent
}
