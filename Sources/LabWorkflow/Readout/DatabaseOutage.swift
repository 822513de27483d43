import Instruments
import LabStore

/// The lab's database cannot be written for now (PostgreSQL stopped, restarting or unreachable;
/// SQLite locked beyond its busy timeout), as seen by a readout, with what the reader still holds.
///
/// Only ``LabStoreError/databaseBusy(operation:)`` and ``LabStoreError/databaseUnreachable(operation:reason:)``
/// are an outage, whether a store call of the job
/// threw it or the driver's sink did (``ReadoutError/sink(operation:cardID:element:underlying:)``:
/// then the element in hand was not released and the reader keeps its curve). Every other error
/// (a refusal, a conflicting curve, a corrupt row) is not made better by waiting.
///
/// ```swift
/// if let outage = DatabaseOutage(error) { print(outage.held?.description ?? "nothing held") }
/// ```
public struct DatabaseOutage: Sendable, Hashable, CustomStringConvertible {
    /// What the reader keeps while the database is away.
    public enum Held: Sendable, Hashable, CustomStringConvertible {
        /// A read curve, buffered in the reader and not released.
        case curve(cardID: String, element: Int)
        /// An element whose signal is gone, not yet recorded as lost.
        case lostElement(cardID: String, element: Int)
        /// A card in the reading position (its start or end not yet recorded).
        case card(cardID: String)

        public var description: String {
            switch self {
            case let .curve(card, element): "the curve of card \(card) element \(element) is held by the reader (not released)"
            case let .lostElement(card, element): "element \(element) of card \(card) is not yet recorded as lost"
            case let .card(card): "card \(card) stays in the reader"
            }
        }
    }

    /// What failed, as the store said (the operation and the backend's reason).
    public var reason: String
    /// What the reader holds; nil when the failure came outside the element loop (opening,
    /// resuming or finishing the batch).
    public var held: Held?

    public init(reason: String, held: Held?) {
        self.reason = reason
        self.held = held
    }

    /// The outage `error` reports, or nil when it is not one.
    public init?(_ error: any Error) {
        switch error {
        case let error as LabStoreError:
            guard let reason = Self.reason(error) else { return nil }
            self.init(reason: reason, held: nil)
        case let ReadoutError.sink(operation, card, element, underlying):
            guard let reason = (underlying as? LabStoreError).flatMap(Self.reason) else { return nil }
            let held: Held = switch (operation, element) {
            case let ("store", element?): .curve(cardID: card, element: element)
            case let ("recordLost", element?): .lostElement(cardID: card, element: element)
            default: .card(cardID: card)
            }
            self.init(reason: reason, held: held)
        default:
            return nil
        }
    }

    /// The outage's reason when `error` is one (busy or out of reach), else nil.
    static func reason(_ error: LabStoreError) -> String? {
        switch error {
        case let .databaseBusy(operation): operation
        case let .databaseUnreachable(operation, reason): "\(operation): \(reason)"
        default: nil
        }
    }

    public var description: String {
        "database unavailable (\(reason))" + (held.map { ", \($0)" } ?? "")
    }
}
