// Shared pieces of the fault-survival tests: a generated shipment, the lab's manifest of it, a simulated
// reader on a pseudo-terminal behind a stable link, and the real driver opening that link.
import Foundation
import Instruments
import LabStore
import LabWorkflow
import Logging
import ReaderProtocol
import Synchronization
import TLSimulator

enum FaultBench {
    static let quiet = Logger(label: "FaultBench") { _ in SwiftLogNoOpLogHandler() }

    /// T_reply 250 ms (margin on a loaded 2-core machine; ResilientReadoutClockTests steps its manual
    /// clock by 1 s and needs the reply timeout apart from that step), T_poll 2 ms, T_op 10 s.
    static let readerConfiguration = TLReaderConfiguration(
        link: LinkConfiguration(replyTimeout: .milliseconds(250)), pollInterval: .milliseconds(2),
        operationTimeout: .seconds(10))

    /// The n-th card ID (1-based): body 2000000 + n and its Luhn check digit.
    static func cardID(_ n: Int) -> String {
        let body = String(2_000_000 + n)
        return body + String(CardID.luhnCheckDigit(body))
    }

    /// `count` cards: every tenth a calibration card (2 mSv ¹³⁷Cs, two days old), every 25th a control,
    /// the others workers with doses from 0.2 to 5 mSv.
    static func scenario(cards count: Int, elementMilliseconds: Double, faults: [ScenarioFault]? = nil) -> Scenario {
        let cards = (1...count).map { n -> ScenarioCard in
            if n % 10 == 1 {
                return ScenarioCard(id: cardID(n), role: .calibration, hp10MilliSievert: 2, hp007MilliSievert: 2,
                                    quality: "S-Cs", daysSinceAnneal: 2)
            }
            if n % 25 == 0 {
                return ScenarioCard(id: cardID(n), role: .control, hp10MilliSievert: 0, hp007MilliSievert: 0,
                                    quality: "S-Cs", daysSinceAnneal: 30)
            }
            let dose = 0.2 + Double(n % 17) * 0.3
            return ScenarioCard(id: cardID(n), role: .worker, hp10MilliSievert: dose, hp007MilliSievert: dose * 1.05,
                                quality: n % 3 == 0 ? "S-Co" : "S-Cs", daysSinceAnneal: 30)
        }
        return Scenario(seed: 20_261_123, reader: ReaderDescription(model: "TLR-6600S", serial: "TL00042", firmware: "1.4.2"),
                        elementMilliseconds: elementMilliseconds, storageCelsius: 20, backgroundNanoSievertPerHour: 80,
                        cards: cards, faults: faults)
    }

    /// What the lab knows of the shipment (no worker truth).
    static func manifest(_ scenario: Scenario, now: Date = Date()) -> [ShipmentCard] {
        scenario.cards.map { card in
            let annealed = now.addingTimeInterval(-card.daysSinceAnneal * 86_400)
            switch card.role {
            case .calibration:
                return ShipmentCard(cardID: card.id, role: .calibration, annealedAt: annealed,
                                    deliveredHp10MilliSievert: card.hp10MilliSievert,
                                    deliveredHp007MilliSievert: card.hp007MilliSievert, referenceField: card.quality)
            case .control: return ShipmentCard(cardID: card.id, role: .control, annealedAt: annealed)
            case .worker: return ShipmentCard(cardID: card.id, role: .worker, annealedAt: annealed)
            }
        }
    }

    /// Opens the reader at `path` (a link the simulator keeps pointing at its current pty), as `tld
    /// readout --device` does after a re-plug: the same path again.
    static func opener(path: String) -> ResilientReadout.Opener {
        ResilientReadout.Opener { _ in try await SerialPortTransport.open(path: path) }
    }

    /// One element row of the store, as the tests look at it.
    struct Row: Hashable {
        var id: Int64?
        var key: String
        var status: ElementStatus
        var lostReason: String?
        var curveCRC32: UInt32?
        var channels: Int
    }

    /// Every element row of the batch, in insertion order.
    static func rows(_ store: any DoseStore, batch: ReadoutBatch.ID) throws -> [Row] {
        try store.readings(batch: batch).map { r in
            var reason: String?
            if case let .lost(why) = r.outcome { reason = why }
            return Row(id: r.id?.rawValue, key: "\(r.cardID)/\(r.element)", status: r.status, lostReason: reason,
                       curveCRC32: r.curve?.readerCurveCRC32, channels: r.curve?.counts.count ?? 0)
        }
    }
}

/// Collects the resilient readout's notices (called from its task).
final class NoticeLog: Sendable {
    private let storage = Mutex<[ResilientReadout.Notice]>([])
    var entries: [ResilientReadout.Notice] { storage.withLock { $0 } }
    func record(_ n: ResilientReadout.Notice) { storage.withLock { $0.append(n) } }
}
