import Instruments

extension ResilientReadout {
    /// How ``ResilientReadout`` opens the connection to the reader, the first time and again after the
    /// cable was pulled: the seam between the workflow and the hardware (a serial device found by path
    /// or by serial number, a simulator's pseudo-terminal, an in-memory link in tests).
    ///
    /// ```swift
    /// let opener = ResilientReadout.Opener { _ in try await SerialPortTransport.open(path: "/dev/tl-lab/reader-TL00042") }
    /// ```
    public struct Opener: Sendable {
        /// Opens a transport to the reader. `serialNumber` is nil for the first open, then the serial of
        /// the reader whose batch is being read (so an implementation may look the device up by it).
        /// Throws when the reader is not there (yet); ``ResilientReadout`` then tries again.
        public var open: @Sendable (_ serialNumber: String?) async throws -> any ByteTransport

        public init(open: @escaping @Sendable (_ serialNumber: String?) async throws -> any ByteTransport) {
            self.open = open
        }
    }
}
