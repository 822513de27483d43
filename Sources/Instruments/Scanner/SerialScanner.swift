import DeviceIO
import Logging

/// A barcode scanner in USB serial (CDC-ACM) or RS-232 mode, read through `SerialPort`.
///
///     let scanner = try await SerialScanner.open(path: "/dev/tl-lab/scanner-17EB0123", logger: logger)
///     for await event in scanner.events {
///         switch event {
///         case .card(let id): print("card", id)
///         case .rejected(let raw, let reason): print("not a card: \(raw): \(reason)")
///         }
///     }
///
/// Bytes are cut at the configured suffix, an AIM identifier is recognised, double scans are
/// dropped and card ids checked (`ScanPipeline`). `events` ends when the port is disconnected
/// or fails (logged at error level) or after `close()`.
public final class SerialScanner: Sendable {
    /// The scans, in order.
    public let events: AsyncStream<ScanEvent>
    /// The port (its `path` says which device).
    public let port: SerialPort
    private let reader: Task<Void, Never>

    /// Reads scans from an open port.
    public init(port: SerialPort, configuration: ScannerConfiguration = ScannerConfiguration(), logger: Logger) {
        self.port = port
        let (stream, continuation) = AsyncStream.makeStream(of: ScanEvent.self)
        events = stream
        reader = Task {
            var pipeline = ScanPipeline(configuration: configuration)
            defer { continuation.finish() }
            while !Task.isCancelled {
                do throws(SerialError) {
                    let bytes = try await port.read(maxCount: 512, timeout: .milliseconds(250))
                    if bytes.isEmpty { continue }
                    for event in pipeline.feed(bytes, at: .now) {
                        logger.debug("scan", metadata: ["device": "\(port.path)", "event": "\(event)"])
                        continuation.yield(event)
                    }
                } catch .cancelled {
                    return
                } catch {
                    logger.error("barcode scanner stopped", metadata: ["device": "\(port.path)", "error": "\(error)"])
                    return
                }
            }
        }
        continuation.onTermination = { [reader] _ in reader.cancel() }
    }

    /// Opens the scanner's tty (8N1 at `baudRate`; CDC-ACM ignores the speed) and starts reading.
    ///
    /// - Throws: `SerialError` from `SerialPort.open`.
    public static func open(
        path: String, baudRate: Int = 9600, configuration: ScannerConfiguration = ScannerConfiguration(), logger: Logger
    ) async throws(SerialError) -> SerialScanner {
        let port = try await SerialPort.open(path: path, configuration: .init(baudRate: baudRate))
        return SerialScanner(port: port, configuration: configuration, logger: logger)
    }

    /// Stops reading and closes the port; `events` ends.
    public func close() async {
        reader.cancel()
        _ = await reader.value
        await port.close()
    }
}
