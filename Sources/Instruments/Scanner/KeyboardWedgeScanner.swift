import DeviceIO
import Logging

/// A barcode scanner in USB HID keyboard mode ("keyboard wedge"), read from its evdev node with
/// an exclusive grab (`EvdevDevice`), so its scans never type into the terminal or a window.
/// Key events are decoded by `KeyboardWedgeDecoder` in the scanner's layout; a code read faster
/// than anyone types is a scan (checked like any scan: `ScanPipeline`), a slower one was typed on
/// the device and is passed on as typed text.
///
///     let scanner = try await KeyboardWedgeScanner.open(path: "/dev/input/event7", layout: .dk, logger: logger)
///     for await output in scanner.outputs { … }
public final class KeyboardWedgeScanner: Sendable {
    /// What the device produced, in order.
    public enum Output: Sendable, Hashable {
        case scan(ScanEvent)
        /// Keys typed on the device at a person's speed, ended by Enter.
        case typed(String)
    }

    public let outputs: AsyncStream<Output>
    public let device: EvdevDevice
    private let reader: Task<Void, Never>

    public init(device: EvdevDevice, layout: KeyboardLayout = .us, configuration: ScannerConfiguration = ScannerConfiguration(), logger: Logger) {
        self.device = device
        let (stream, continuation) = AsyncStream.makeStream(of: Output.self)
        outputs = stream
        reader = Task {
            var decoder = KeyboardWedgeDecoder(layout: layout)
            var pipeline = ScanPipeline(configuration: configuration)
            defer { continuation.finish() }
            while !Task.isCancelled {
                do throws(EvdevError) {
                    for event in try await device.read(timeout: .milliseconds(250)) where event.type == InputEvent.keyType {
                        guard let code = decoder.feed(.init(code: event.code, value: event.value, time: event.time)) else { continue }
                        if code.isScan {
                            if let scan = pipeline.accept(code: Array(code.text.utf8), symbology: nil, at: .now) {
                                continuation.yield(.scan(scan))
                            }
                        } else {
                            continuation.yield(.typed(code.text))
                        }
                    }
                } catch .cancelled {
                    return
                } catch {
                    if decoder.hasPartialCode { logger.warning("half-read scan dropped", metadata: ["device": "\(device.path)"]) }
                    logger.error("keyboard-wedge scanner stopped", metadata: ["device": "\(device.path)", "error": "\(error)"])
                    return
                }
            }
        }
        continuation.onTermination = { [reader] _ in reader.cancel() }
    }

    /// Opens and grabs the scanner's evdev node and starts reading.
    public static func open(
        path: String, layout: KeyboardLayout = .us, configuration: ScannerConfiguration = ScannerConfiguration(), logger: Logger
    ) async throws(EvdevError) -> KeyboardWedgeScanner {
        let device = try await EvdevDevice.open(path: path)
        return KeyboardWedgeScanner(device: device, layout: layout, configuration: configuration, logger: logger)
    }

    /// Stops reading and releases the grab; `outputs` ends.
    public func close() async {
        reader.cancel()
        _ = await reader.value
        await device.close()
    }
}
