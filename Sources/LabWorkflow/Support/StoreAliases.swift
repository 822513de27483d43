// Names of LabStore's record types that clash with those of Instruments/ReaderProtocol.
// This file imports LabStore only, so the names below resolve to LabStore's types. (The module
// cannot be named to qualify them: its protocol `LabStore` shadows the module name.)
import LabStore

typealias StoredReading = ElementReading
typealias StoredProfile = TimeTemperatureProfile
typealias StoredReaderIdentity = ReaderIdentity
