import Foundation
import Instruments
import LabStore
import Logging
import ReaderProtocol

/// The driver's ``ReadoutSink`` backed by the lab store: a reading is in a committed SQLite
/// transaction (WAL, synchronous=FULL) before `store` returns, and only then does the driver release
/// the element on the reader.
///
/// Idempotent, as the driver requires after a crash: a reading offered again with the same CRC-32 is
/// accepted without a second row; one with a different CRC-32 for an element already stored is an
/// error (the reader would be handing out a different curve for the same element).
public struct StoreReadoutSink: ReadoutSink {
    let store: any LabStore
    let batchID: ReadoutBatch.ID
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: any LabStore, batchID: ReadoutBatch.ID, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.batchID = batchID
        self.logger = logger
        self.now = now
    }

    public func store(_ reading: DriverReading) async throws {
        // One indexed row, not the whole batch: a 500-card magazine would otherwise decode every curve per element.
        let existing = try store.reading(batch: batchID, card: reading.cardID, element: reading.element)
        if let existing {
            if let curve = existing.curve, curve.readerCurveCRC32 == reading.curveCRC32 {
                logger.info("element already stored; offered again after a restart", metadata: meta(reading.cardID, reading.element))
                return
            }
            throw WorkflowError.conflictingReading(cardID: reading.cardID, element: reading.element, existing: "\(existing.status)")
        }
        let curve = ElementCurve(
            counts: reading.channels.map(\.counts),
            temperaturesDeciCelsius: reading.channels.map(\.temperatureDeciCelsius),
            channelMicroseconds: reading.channelMicroseconds,
            pmtDarkCountsPerSecond: reading.pmtDarkCountsPerSecond,
            heaterMaxDeciCelsius: reading.heaterMaxDeciCelsius,
            readerCurveCRC32: reading.curveCRC32)
        _ = try store.saveElementReading(StoredReading(
            batchID: batchID, cardID: reading.cardID, element: reading.element, readAt: now(), outcome: .stored(curve)))
        logger.debug("element stored", metadata: meta(reading.cardID, reading.element))
    }

    public func recordLost(cardID: String, element: Int, reason: String) async throws {
        if try store.elementStates(batch: batchID, card: cardID)[element] != nil {
            return  // already recorded (stored or lost) before a restart
        }
        _ = try store.markElementLost(batch: batchID, card: cardID, element: element, reason: reason)
        logger.warning("element lost: \(reason)", metadata: meta(cardID, element))
    }

    public func cardStarted(cardID: String, elementStates: [ElementState]) async throws {
        // Positions without a pellet are recorded once, so the card's record is complete.
        let known = try store.elementStates(batch: batchID, card: cardID)
        for (i, s) in elementStates.enumerated() where s == .absent && known[i + 1] == nil {
            try store.markElementAbsent(batch: batchID, card: cardID, element: i + 1)
        }
        if try store.manifestCard(batch: batchID, card: cardID) == nil {
            // A card the lab did not expect in this batch: read it (its signal is read only once)
            // but as a worker card of unknown anneal date, so its dose is flagged for review.
            logger.warning("card not in the batch manifest; read as a worker card of unknown anneal date",
                           metadata: ["card": "\(cardID)"])
            try store.saveManifest([BatchCard(batchID: batchID, cardID: cardID, role: .worker, annealedAt: nil)])
        }
    }

    public func cardFinished(cardID: String) async throws {}

    private func meta(_ card: String, _ element: Int) -> Logger.Metadata {
        ["card": "\(card)", "element": "\(element)"]
    }
}
