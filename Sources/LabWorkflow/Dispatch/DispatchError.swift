import LabStore

/// Why a dispatch run stopped before sending anything. Each case says one thing.
public enum DispatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No card price in force on the dispatch day for a type that has cards to send.
    case noPrice(type: DosimeterType, day: CalendarDay)

    public var description: String {
        switch self {
        case let .noPrice(type, day):
            "no card price for \(type.displayName) cards in force on \(day): set one with tld prices set --type … --from … --card …; nothing was dispatched"
        }
    }
}
