/// Where a dosimeter card is in the lab's cycle. The store refuses any other move than those of
/// ``allowedMoves`` (a trigger checks the `cardTransition` table), and the interlocks below:
///
/// ```
/// available ─issue─▶ issued ─scan─▶ returned ─inspect─▶ inspected ─read─▶ read ─release─▶ released
///     ▲                                 │ (destroyed)                                        │   │
///     │                                 ▼                                                     │   ▼
///     └─inspect (fit)── zeroed ◀─zero── annealed ◀─anneal + background check passed───────────┘ retired
/// ```
/// - `released` needs the card's current dose in its last batch to be released;
/// - `zeroed` needs the same (a trigger checks it again) and follows a passed anneal check;
/// - `available` needs a passed inspection after zeroing; only an `available` card can be issued.
public enum CardState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Zeroed and inspected: ready to be issued.
    case available
    /// Assigned to a wearer for a period and sent.
    case issued
    /// Scanned at intake.
    case returned
    /// Looked at for damage and found readable (fit, or readout with manual QA).
    case inspected
    /// Read out in a batch: every element stored, lost or absent.
    case read
    /// Its dose is released.
    case released
    /// Annealed, and read at background level afterwards.
    case annealed
    /// Its elements are zeroed in the records.
    case zeroed
    /// Out of service (damaged); compensation is due when it was damaged by the customer.
    case retired

    /// The moves the lab may make, `from → to`.
    public static let allowedMoves: [(CardState, CardState)] = [
        (.available, .issued), (.issued, .returned), (.returned, .inspected), (.returned, .retired),
        (.inspected, .read), (.read, .released), (.released, .annealed), (.released, .retired),
        (.annealed, .zeroed), (.zeroed, .available), (.zeroed, .retired),
        (.available, .retired),  // a stock card found damaged (migration v5-master-data)
    ]

    /// Whether a card in this state may move to `next`.
    public func canMove(to next: CardState) -> Bool {
        Self.allowedMoves.contains { $0.0 == self && $0.1 == next }
    }
}
