import DeviceIO
import Instruments
import Logging

extension ResilientReadout.Opener {
    /// The reader at `path` (e.g. `/dev/ttyUSB0` or the udev link `/dev/tl-lab/reader-SERIAL`).
    ///
    /// After a disconnect: the attached device with the reader's USB serial number if there is one now
    /// (it may come back as another `/dev/ttyUSBn`), else `path` again, else a short wait for it to be
    /// plugged in (``DeviceArrival/wait(serialNumber:role:timeout:)``, woken by udev's "add").
    /// ``ResilientReadout`` calls it again every retry interval until its reconnect timeout.
    ///
    /// ```swift
    /// let readout = ResilientReadout(job: job, opener: .serialDevice(path: "/dev/ttyUSB0", logger: logger), logger: logger)
    /// ```
    public static func serialDevice(path: String, logger: Logger) -> Self {
        Self { serial in
            guard let serial else { return try await SerialPortTransport.open(path: path) }
            if let node = (try? DeviceDiscovery(catalogue: .lab).device(serialNumber: serial, role: .reader))?.path {
                return try await SerialPortTransport.open(path: node)
            }
            do {
                return try await SerialPortTransport.open(path: path)
            } catch {
                let found = try? await DeviceArrival.wait(serialNumber: serial, role: .reader, timeout: .seconds(1))
                guard let node = found?.path else { throw error }
                logger.notice("reader found by its serial number", metadata: ["serial": "\(serial)", "path": "\(node)"])
                return try await SerialPortTransport.open(path: node)
            }
        }
    }
}
