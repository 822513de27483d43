// The driver's reading type, in a file of its own: its names clash with LabStore's.
import Instruments
import LabWorkflow
import ReaderProtocol

/// A verified curve of element 1 of `card`, as the driver hands it to the sink (50 channels, the
/// CRC-32 the reader would send).
func blockedTestReading(_ card: String) -> DriverReading {
    let channels: [CurveChannel] = (0..<50).map { (i: Int) -> CurveChannel in
        let counts = UInt32(100 + i * 3)
        let temperature = Int16(500 + i * 50)
        return CurveChannel(counts: counts, temperatureDeciCelsius: temperature)
    }
    return DriverReading(
        cardID: card, element: 1, channels: channels, channelMicroseconds: 100_000, pmtDarkCountsPerSecond: 10,
        heaterMaxDeciCelsius: 3000, curveCRC32: CRC32ISOHDLC.curveChecksum(channels),
        profile: .lifMgTiDefault, readerSerial: "S1", isResidualRead: false)
}
