import ReaderProtocol

/// Where ``TLReader/readMagazine(into:annealAfterReading:recoveries:progress:)`` hands its results. The driver knows
/// nothing of what is behind it (a database, a file); it only waits for it to say a reading is safe.
///
/// After a crash the batch resumes from the reader's state, so any call may come again for the same
/// card or element: every method must be idempotent.
public protocol ReadoutSink: Sendable {
    /// Called with each complete, CRC-verified reading. Must return only after the reading is durably
    /// stored. Must be idempotent: the same reading (same card, element, CRC) may be offered again after a crash.
    /// Throwing stops the batch; the element is then **not** released and stays buffered in the reader.
    func store(_ reading: ElementReading) async throws
    /// The element's signal is gone (interrupted read): record it as lost with the reason.
    /// May come again for the same element after a crash.
    func recordLost(cardID: String, element: Int, reason: String) async throws
    /// A card is in the reading position; `elementStates` are the reader's states when the card was
    /// taken up (on resume some elements may already be `released` or `buffered`).
    func cardStarted(cardID: String, elementStates: [ElementState]) async throws
    /// Every element of the card is stored, lost or skipped; the card is about to be ejected.
    func cardFinished(cardID: String) async throws
}
