/// One Linux input event (`struct input_event`, linux/input.h) as read from an evdev node:
/// the kernel's timestamp, type (`EV_KEY` = 1), code (`KEY_1` = 2, …) and value (1 press,
/// 0 release, 2 autorepeat). On 64-bit Linux it is 24 bytes: `timeval` (two 64-bit fields),
/// then u16 type, u16 code, s32 value, in the machine's (little-endian) byte order.
public struct InputEvent: Sendable, Hashable {
    public var seconds: Int64
    public var microseconds: Int64
    public var type: UInt16
    public var code: UInt16
    public var value: Int32

    public static let size = 24
    /// `EV_KEY`.
    public static let keyType: UInt16 = 1

    public init(seconds: Int64, microseconds: Int64, type: UInt16, code: UInt16, value: Int32) {
        self.seconds = seconds
        self.microseconds = microseconds
        self.type = type
        self.code = code
        self.value = value
    }

    /// The event's time as a duration since the kernel clock's epoch.
    public var time: Duration { .seconds(seconds) + .microseconds(microseconds) }

    /// Parses one 24-byte record.
    public init?(bytes: ArraySlice<UInt8>) {
        guard bytes.count == Self.size else { return nil }
        func integer(_ offset: Int, _ width: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in (0..<width).reversed() { value = value << 8 | UInt64(bytes[bytes.startIndex + offset + i]) }
            return value
        }
        seconds = Int64(bitPattern: integer(0, 8))
        microseconds = Int64(bitPattern: integer(8, 8))
        type = UInt16(integer(16, 2))
        code = UInt16(integer(18, 2))
        value = Int32(bitPattern: UInt32(integer(20, 4)))
    }

    /// The 24-byte record (for simulators and tests).
    public var bytes: [UInt8] {
        func little(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        return little(UInt64(bitPattern: seconds), 8) + little(UInt64(bitPattern: microseconds), 8)
            + little(UInt64(type), 2) + little(UInt64(code), 2) + little(UInt64(UInt32(bitPattern: value)), 4)
    }
}
