import DeviceIO
import Logging

/// A barcode scanner in USB HID point-of-sale mode, read through libusb (`HIDInterruptDevice`),
/// with the kernel's HID driver detached so scans never type into a focused window.
///
///     let scanner = try await HIDPOSScanner.open(USBDeviceMatch(vendorID: 0x1eab, productID: 0x0110), logger: logger)
///     for await event in scanner.events { … }
///
/// Reports are parsed (`HIDPOSReport`), joined while "more data follows", debounced and
/// classified like serial scans. `events` ends when the device is unplugged or fails (logged),
/// or after `close()`.
public final class HIDPOSScanner: Sendable {
    /// The scans, in order.
    public let events: AsyncStream<ScanEvent>
    /// The claimed USB device.
    public let device: HIDInterruptDevice
    private let reader: Task<Void, Never>

    /// Reads scans from an opened HID interface. `configuration.suffix` is not used: reports
    /// carry a length.
    public init(device: HIDInterruptDevice, configuration: ScannerConfiguration = ScannerConfiguration(), logger: Logger) {
        self.device = device
        let (stream, continuation) = AsyncStream.makeStream(of: ScanEvent.self)
        events = stream
        reader = Task {
            var pipeline = ScanPipeline(configuration: configuration)
            var assembler = HIDPOSReportAssembler()
            defer { continuation.finish() }
            while !Task.isCancelled {
                do throws(USBError) {
                    guard let bytes = try await device.readReport(timeout: .milliseconds(250)) else { continue }
                    let report: HIDPOSReport
                    do { report = try HIDPOSReport(parsing: bytes) } catch {
                        logger.debug("ignored HID report", metadata: ["device": "\(device.match)", "reason": "\(error)"])
                        continue
                    }
                    guard let (code, symbology) = assembler.add(report),
                          let event = pipeline.accept(code: code, symbology: symbology, at: .now) else { continue }
                    logger.debug("scan", metadata: ["device": "\(device.match)", "event": "\(event)"])
                    continuation.yield(event)
                } catch .cancelled {
                    return
                } catch {
                    logger.error("barcode scanner stopped", metadata: ["device": "\(device.match)", "error": "\(error)"])
                    return
                }
            }
        }
        continuation.onTermination = { [reader] _ in reader.cancel() }
    }

    /// Opens and claims the scanner (see `HIDInterruptDevice.open`) and starts reading.
    public static func open(
        _ match: USBDeviceMatch, configuration: ScannerConfiguration = ScannerConfiguration(), logger: Logger
    ) async throws(USBError) -> HIDPOSScanner {
        let device = try await HIDInterruptDevice.open(match)
        if let descriptor = await device.reportDescriptor, !descriptor.isBarCodeScanner {
            logger.warning("HID interface does not declare the bar-code-scanner usage page 0x8C",
                           metadata: ["device": "\(match)", "usagePages": "\(descriptor.usagePages)"])
        }
        return HIDPOSScanner(device: device, configuration: configuration, logger: logger)
    }

    /// Stops reading and releases the device (the kernel driver is re-attached); `events` ends.
    public func close() async {
        reader.cancel()
        _ = await reader.value
        await device.close()
    }
}
