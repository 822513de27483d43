extension SerialPort {
    /// Line settings applied by `SerialPort.open(path:configuration:)`. The default is 115200 baud,
    /// 8 data bits, no parity, 1 stop bit (8N1), no flow control.
    public struct Configuration: Sendable, Equatable {
        /// Speed in bit/s. Standard termios speeds (50 … 4000000) use cfsetispeed/cfsetospeed;
        /// any other positive value is set through termios2 (TCSETS2 with BOTHER).
        public var baudRate: Int
        public var dataBits: DataBits
        public var parity: Parity
        public var stopBits: StopBits
        public var flowControl: FlowControl

        public init(
            baudRate: Int = 115_200,
            dataBits: DataBits = .eight,
            parity: Parity = .none,
            stopBits: StopBits = .one,
            flowControl: FlowControl = .none
        ) {
            self.baudRate = baudRate
            self.dataBits = dataBits
            self.parity = parity
            self.stopBits = stopBits
            self.flowControl = flowControl
        }
    }

    /// Character size (termios CSIZE: CS5 … CS8).
    public enum DataBits: Int, Sendable, Equatable, CaseIterable {
        case five = 5, six = 6, seven = 7, eight = 8
    }

    /// Parity (termios PARENB/PARODD; input checking INPCK when enabled).
    public enum Parity: Sendable, Equatable, CaseIterable {
        case none, even, odd
    }

    /// Stop bits (termios CSTOPB for two).
    public enum StopBits: Int, Sendable, Equatable, CaseIterable {
        case one = 1, two = 2
    }

    /// Flow control. `.none` clears CRTSCTS and IXON/IXOFF/IXANY, so every byte value passes,
    /// including XON (0x11) and XOFF (0x13).
    public enum FlowControl: Sendable, Equatable, CaseIterable {
        case none
        /// RTS/CTS (termios CRTSCTS).
        case hardware
        /// XON/XOFF (termios IXON|IXOFF): bytes 0x11 and 0x13 are then consumed by the driver.
        case software
    }

    /// Which kernel queue `flush(_:)` discards (tcflush TCIFLUSH, TCOFLUSH, TCIOFLUSH).
    public enum FlushQueue: Sendable, Equatable, CaseIterable {
        /// Received but not yet read.
        case input
        /// Written but not yet transmitted.
        case output
        case both
    }
}
