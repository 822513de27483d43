import ReaderProtocol

/// One complete, CRC-verified glow curve of one element, as the reader recorded it.
///
/// This is the raw reading: photon counts and heater temperature per channel, the heating record and
/// the reader's QC numbers. It knows nothing of doses, customers or storage.
public struct ElementReading: Sendable, Hashable {
    /// The card's ID from its barcode.
    public var cardID: String
    /// Element position on the card, 1-based.
    public var element: Int
    /// Channels in order: photon counts and heater temperature (tenths of °C).
    public var channels: [CurveChannel]
    /// Duration of one channel in microseconds.
    public var channelMicroseconds: UInt32
    /// PMT dark count rate measured just before heating, counts per second.
    public var pmtDarkCountsPerSecond: UInt32
    /// Highest heater temperature during the read, tenths of °C.
    public var heaterMaxDeciCelsius: Int16
    /// CRC-32/ISO-HDLC over the channels (PROTOCOL.md 5.3); verified against the collected channels.
    public var curveCRC32: UInt32
    /// The time-temperature profile the reader was set to.
    public var profile: TimeTemperatureProfile
    /// The reader's serial number (from IDENTIFY).
    public var readerSerial: String
    /// True for a deliberate second heating (residual signal) asked for with `reread`. False for a first
    /// read, and for a curve fetched again after a crash (the reader does not say how it was heated).
    public var isResidualRead: Bool

    public init(cardID: String, element: Int, channels: [CurveChannel], channelMicroseconds: UInt32,
                pmtDarkCountsPerSecond: UInt32, heaterMaxDeciCelsius: Int16, curveCRC32: UInt32,
                profile: TimeTemperatureProfile, readerSerial: String, isResidualRead: Bool) {
        self.cardID = cardID; self.element = element; self.channels = channels
        self.channelMicroseconds = channelMicroseconds; self.pmtDarkCountsPerSecond = pmtDarkCountsPerSecond
        self.heaterMaxDeciCelsius = heaterMaxDeciCelsius; self.curveCRC32 = curveCRC32; self.profile = profile
        self.readerSerial = readerSerial; self.isResidualRead = isResidualRead
    }
}

/// The result of heating (or re-fetching) one element.
public enum ElementOutcome: Sendable, Hashable {
    /// A complete, verified curve, still **buffered** in the reader until ``TLReader/release(element:)``.
    case read(ElementReading)
    /// The heating was cut off: the curve is incomplete and the signal is gone. Never a dose.
    case lost(reason: String)
}

/// The result of ``TLReader/loadNext()``.
public enum LoadResult: Sendable, Hashable {
    /// A card is in the reading position.
    case loaded(cardID: String, status: ReaderStatus)
    /// No card left in the input magazine (not an error: the batch is done).
    case magazineEmpty
}
