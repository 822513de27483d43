import Foundation
import LabStore

/// One bench's writer: an open batch of its own, and the next element's 200-channel curve stored
/// through the readout's store path (`saveReadoutCurve`) per call.
final class BenchWriter: @unchecked Sendable {  // used by one thread at a time
    let store: any ReadoutStore
    let batchID: ReadoutBatch.ID
    private var next = 0
    private var state: UInt32 = 2_463_534_242

    init(store: any ReadoutStore, source: String) throws {
        self.store = store
        let profile = TimeTemperatureProfile(
            preheatDeciCelsius: 500, preheatMilliseconds: 0, rampDeciCelsiusPerSecond: 100, maximumDeciCelsius: 3000,
            acquisitionMilliseconds: 26_670, channels: 200, annealDeciCelsius: 3000, annealMilliseconds: 10_000)
        // A group ID is 1–16 printable characters: "B" and eight hex digits, new for every writer.
        let groupID = "B" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let batch = try store.openBatch(groupID: groupID, reader: ReaderIdentity(model: "TLR-4", serial: source, firmware: "1.4.2"),
                                        elementsPerCard: 4, timeTemperatureProfile: profile, source: source)
        guard let id = batch.id else { throw CocoaError(.fileWriteUnknown) }
        batchID = id
    }

    /// Stores the next element (card 1 element 1, …, element 4, card 2 element 1, …).
    func storeNextElement() throws {
        let card = String(format: "%08d", 10_000_000 + next / 4)
        let element = next % 4 + 1
        next += 1
        var counts: [UInt32] = []
        var temperatures: [Int16] = []
        counts.reserveCapacity(200)
        temperatures.reserveCapacity(200)
        for channel in 0..<200 {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            counts.append(state % 50_000)
            temperatures.append(Int16(500 + channel * 12))
        }
        let curve = ElementCurve(counts: counts, temperaturesDeciCelsius: temperatures, channelMicroseconds: 133_350,
                                 pmtDarkCountsPerSecond: 12, heaterMaxDeciCelsius: 3000,
                                 readerCurveCRC32: CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temperatures))
        let outcome = try store.saveReadoutCurve(batch: batchID, card: card, element: element, readAt: Date(), curve: curve)
        guard case .saved = outcome else { fatalError("element \(card)/\(element) was not new: \(outcome)") }
    }
}

/// A writer kept from a benchmark's setup to its teardown.
final class WriterSlot: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var current: (writer: BenchWriter, close: @Sendable () -> Void)?

    func fill(writer: BenchWriter, close: @escaping @Sendable () -> Void) {
        lock.withLock { current = (writer, close) }
    }

    /// The writer of the setup; throws when the setup made none.
    func writer() throws -> BenchWriter {
        guard let writer = lock.withLock({ current?.writer }) else { throw CocoaError(.fileReadUnknown) }
        return writer
    }

    func empty() {
        let close = lock.withLock { () -> (@Sendable () -> Void)? in
            defer { current = nil }
            return current?.close
        }
        close?()
    }
}
