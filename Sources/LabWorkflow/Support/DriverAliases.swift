// Names of the driver's and the wire protocol's types that clash with LabStore's.
// This file imports Instruments and ReaderProtocol only.
import Instruments
import ReaderProtocol

public typealias DriverReading = ElementReading
public typealias WireProfile = TimeTemperatureProfile
public typealias WireReaderIdentity = ReaderIdentity
