import Foundation
import Instruments
import LabStore
import Logging
import ReaderProtocol
import Synchronization

/// The driver's ``ReadoutSink`` backed by the lab store: a reading is in a committed SQLite
/// transaction (WAL, synchronous=FULL) before `store` returns, and only then does the driver release
/// the element on the reader. The store's calls run on the sink's own thread (``ReadoutStoreWriter``),
/// never on Swift's cooperative pool: the driver's tasks keep running while a write waits for its
/// fsync or commit, and `store` returns only after the write has.
///
/// Idempotent, as the driver requires after a crash: a reading offered again with the same CRC-32 is
/// accepted without a second row; one with a different CRC-32 for an element already stored is an
/// error (the reader would be handing out a different curve for the same element).
public struct StoreReadoutSink: ReadoutSink {
    let writer: ReadoutStoreWriter
    let batchID: ReadoutBatch.ID
    let logger: Logger
    let now: @Sendable () -> Date
    /// The batch manifest's card IDs, read once per magazine instead of one query per card.
    private let manifestCards = ManifestCardCache()

    /// - Throws: ``WorkflowError/noWriterThread`` when the system cannot start the writer's thread.
    public init(store: any ReadoutStore, batchID: ReadoutBatch.ID, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) throws {
        guard let writer = ReadoutStoreWriter(store: store) else { throw WorkflowError.noWriterThread }
        self.writer = writer
        self.batchID = batchID
        self.logger = logger
        self.now = now
    }

    public func store(_ reading: DriverReading) async throws {
        // One write transaction finds an earlier row of the element and inserts the curve: no separate
        // read before it, no read-back after it, statements prepared once per connection.
        let curve = ElementCurve(
            counts: reading.channels.map { $0.counts },
            temperaturesDeciCelsius: reading.channels.map { $0.temperatureDeciCelsius },
            channelMicroseconds: reading.channelMicroseconds,
            pmtDarkCountsPerSecond: reading.pmtDarkCountsPerSecond,
            heaterMaxDeciCelsius: reading.heaterMaxDeciCelsius,
            readerCurveCRC32: reading.curveCRC32)
        let (batchID, readAt) = (batchID, now())
        let saved = try await writer.run { store in
            try store.saveReadoutCurve(batch: batchID, card: reading.cardID, element: reading.element, readAt: readAt, curve: curve)
        }
        switch saved {
        case .saved:
            logger.debug("element stored", metadata: meta(reading.cardID, reading.element))
        case .alreadyStored:
            logger.info("element already stored; offered again after a restart", metadata: meta(reading.cardID, reading.element))
        case let .conflicting(existing):
            throw WorkflowError.conflictingReading(cardID: reading.cardID, element: reading.element, existing: "\(existing)")
        }
    }

    public func recordLost(cardID: String, element: Int, reason: String) async throws {
        let batchID = batchID
        let recorded = try await writer.run { store in
            if try store.elementStates(batch: batchID, card: cardID)[element] != nil {
                return false  // already recorded (stored or lost) before a restart
            }
            _ = try store.markElementLost(batch: batchID, card: cardID, element: element, reason: reason)
            return true
        }
        guard recorded else { return }
        logger.warning("element lost: \(reason)", metadata: meta(cardID, element))
    }

    public func cardStarted(cardID: String, elementStates: [ElementState]) async throws {
        // Positions without a pellet are recorded once, so the card's record is complete. Only a card
        // with such positions needs to know what the batch already holds.
        let (batchID, manifestCards) = (batchID, manifestCards)
        let unexpected = try await writer.run { store in
            if elementStates.contains(.absent) {
                let known = try store.elementStates(batch: batchID, card: cardID)
                for (i, s) in elementStates.enumerated() where s == .absent && known[i + 1] == nil {
                    _ = try store.markElementAbsent(batch: batchID, card: cardID, element: i + 1)
                }
            }
            if try manifestCards.contains(cardID, loading: { try Set(store.manifest(batch: batchID).map(\.cardID)) }) {
                return false
            }
            // A card the lab did not expect in this batch: read it (its signal is read only once)
            // but as a worker card of unknown anneal date, so its dose is flagged for review.
            // It is held for the physicist: its dose goes to review with the reason "unexpected card".
            try store.saveManifest([BatchCard(batchID: batchID, cardID: cardID, role: .worker, annealedAt: nil, unexpected: true)])
            manifestCards.insert(cardID)
            return true
        }
        if unexpected {
            logger.warning("unexpected card: not on an open issue that was returned or inspected; read and held for review",
                           metadata: ["card": "\(cardID)"])
        }
    }

    public func cardFinished(cardID: String) async throws {}

    private func meta(_ card: String, _ element: Int) -> Logger.Metadata {
        ["card": "\(card)", "element": "\(element)"]
    }
}

/// The card IDs of a batch manifest, loaded on first use. Rows of a manifest are never removed, so a
/// card found here stays in the manifest; a card added by the sink is inserted after it is stored.
final class ManifestCardCache: Sendable {
    private let cards = Mutex<Set<String>?>(nil)

    func contains(_ card: String, loading load: () throws -> Set<String>) throws -> Bool {
        if let known = cards.withLock({ $0 }) { return known.contains(card) }
        let loaded = try load()
        cards.withLock { $0 = loaded }
        return loaded.contains(card)
    }

    func insert(_ card: String) {
        cards.withLock { _ = $0?.insert(card) }
    }
}
