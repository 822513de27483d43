import Instruments

/// A reader that lives in this process and speaks the wire protocol byte for byte (the simulator's
/// engine, for a type test or a test): the workflow serves it on the device end of a `MemoryLink`, so
/// the driver reads it exactly as a reader on a serial port, without a pty.
public struct InProcessReader: Sendable {
    /// Delivers host bytes and returns the reader's reply bytes.
    public var exchange: @Sendable ([UInt8]) -> [UInt8]
    /// Lets the reader's clock catch up when the host sends nothing.
    public var idle: @Sendable () -> Void

    public init(exchange: @escaping @Sendable ([UInt8]) -> [UInt8], idle: @escaping @Sendable () -> Void) {
        self.exchange = exchange
        self.idle = idle
    }

    /// Serves the reader on `device` until the link is cut.
    public func serve(on device: MemoryTransport) async {
        while true {
            let bytes: [UInt8]
            do { bytes = try await device.read(maxCount: 4096, timeout: .milliseconds(5)) } catch { return }
            guard !bytes.isEmpty else {
                idle()
                continue
            }
            let reply = exchange(bytes)
            if !reply.isEmpty {
                do { try await device.write(reply) } catch { return }
            }
        }
    }
}
