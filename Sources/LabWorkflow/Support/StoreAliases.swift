// Names of LabStore's record types that clash with those of Instruments/ReaderProtocol.
// This file imports LabStore only, so the names below resolve to LabStore's types. (Since issue 15
// no type shadows the module, so `LabStore.ElementReading` would also do; the short names stay.)
import LabStore

typealias StoredReading = ElementReading
typealias StoredProfile = TimeTemperatureProfile
typealias StoredReaderIdentity = ReaderIdentity
