import DeviceIO
import Foundation
import Instruments
import Logging

/// What the intake bench reads: lines typed (or from a file) and the events of every scanner, merged
/// into one stream in the order they came. Standard input is read on its own thread (a blocking
/// read never holds a thread of Swift's cooperative pool); the scanners are read by `ScannerHub`.
final class BenchInputs: Sendable {
    enum Input: Sendable {
        /// A line typed at the bench (or read from the input file).
        case typed(String)
        /// Standard input (or the file) ended: the session ends.
        case endOfTyping
        /// A scanner's scan or its coming and going.
        case scanner(ScannerHub.Event)
    }

    let stream: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation

    /// Starts reading the typed lines: `lines` (a file's), or standard input when nil.
    init(lines: [String]?) {
        (stream, continuation) = AsyncStream.makeStream(of: Input.self)
        let continuation = continuation
        if let lines {
            for line in lines { continuation.yield(.typed(line)) }
            continuation.yield(.endOfTyping)
        } else {
            Thread.detachNewThread {
                while let line = readLine(strippingNewline: true) { continuation.yield(.typed(line)) }
                continuation.yield(.endOfTyping)
            }
        }
    }

    /// Starts reading the selected scanners into the stream; nil when none are selected or the
    /// machine's devices cannot be listed (then typed lines only, with a warning).
    func startScanners(_ selection: ScannerSelection, keyboardLayout: KeyboardLayout, logger: Logger) async -> ScannerHub? {
        guard !selection.isNone else { return nil }
        do {
            let hub = try await ScannerHub.start(selection: selection, keyboardLayout: keyboardLayout, logger: logger)
            let continuation = continuation
            Task { for await event in hub.events { continuation.yield(.scanner(event)) } }
            return hub
        } catch {
            logger.warning("barcode scanners are not read (typed lines only): \(error)")
            return nil
        }
    }
}
