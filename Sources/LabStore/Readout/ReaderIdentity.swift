/// Who read the cards: the reader's answer to `IDENTIFY` (firmware-protocol/PROTOCOL.md §5).
public struct ReaderIdentity: Sendable, Hashable, Codable {
    public var model: String
    /// The reader's serial number (equal to its USB adapter's serial number).
    public var serial: String
    public var firmware: String

    public init(model: String, serial: String, firmware: String) {
        self.model = model
        self.serial = serial
        self.firmware = firmware
    }
}
