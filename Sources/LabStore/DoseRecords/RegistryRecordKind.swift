/// A registry record is the first report of a person's period, or a correction of one sent before.
public enum RegistryRecordKind: String, Sendable, Hashable, Codable, CaseIterable {
    case original
    case correction
}
