import Foundation
import Instruments

/// Draws the readout's progress on standard error: a bar redrawn in place on a terminal, one line per
/// card otherwise (so logs and CI output stay readable). Standard output is left to the results.
final class ProgressBar: @unchecked Sendable {  // mutable state guarded by `lock`
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) == 1
    private var lastLine = ""
    private var cardsDone = 0

    func update(_ p: ReadoutProgress) {
        lock.lock(); defer { lock.unlock() }
        let card = p.cardID ?? "—"
        let what: String
        switch p.step {
        case .resuming: what = "checking the reader's state"
        case .loadingCard: what = "loading next card"
        case .cardLoaded: what = "card loaded"
        case let .readingElement(e): what = "reading element \(e)"
        case let .fetchingBufferedElement(e): what = "fetching element \(e) left in the reader"
        case let .elementStored(e): what = "element \(e) stored"
        case let .elementLost(e, reason): what = "element \(e) LOST: \(reason)"
        case let .elementSkipped(e, s): what = "element \(e) skipped (\(s))"
        case .annealing: what = "annealing"
        case .ejecting: what = "ejecting"
        case .cardDone: what = "done"; cardsDone += 1
        case let .recovering(reason): what = "reconnecting: \(reason)"
        case .magazineEmpty: what = "magazine empty"
        }
        let total = max(p.cardCount, 1)
        if interactive {
            let width = 30
            let filled = min(width, width * min(p.cardNumber, total) / total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = "\(bar) \(p.cardNumber)/\(p.cardCount) card \(card): \(what)"
            let pad = String(repeating: " ", count: max(0, lastLine.count - line.count))
            FileHandle.standardError.write(Data(("\r" + line + pad).utf8))
            lastLine = line
        } else if case .cardDone = p.step {
            FileHandle.standardError.write(Data("card \(p.cardNumber)/\(p.cardCount) \(card) read\n".utf8))
        } else if case .elementLost = p.step {
            FileHandle.standardError.write(Data("card \(card): \(what)\n".utf8))
        } else if case .recovering = p.step {
            FileHandle.standardError.write(Data("\(what)\n".utf8))
        }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if interactive && !lastLine.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
        lastLine = ""
    }
}

/// A line on standard error.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
