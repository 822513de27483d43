import Glibc
import Synchronization

/// A barcode scanner in USB keyboard mode ("keyboard wedge"): it "types" each code as Linux input
/// events (`struct input_event`, 24 bytes each: timeval, type, code, value; linux/input.h) on the
/// stream a driver reads as `/dev/input/eventN` — on a umockdev test bed, the simulator side of the
/// emulated node (umockdev backs a node without contents by a pty). Key codes are those of
/// linux/input-event-codes.h in the scanner's configured layout; time is the simulator's own
/// clock, advanced by `keyInterval` per key (no sleeping: the kernel timestamps are what a driver
/// judges speed by).
///
///     let wedge = KeyboardWedgeSimulator(writingTo: fd, devicePath: "/dev/input/event7", ownedElsewhere: true)
///     try wedge.scan("12345674")                          // a scan: 4 ms a key, then Enter
///     try wedge.type("done", keyInterval: .milliseconds(180))   // a person typing on it
///     wedge.unplug()
public final class KeyboardWedgeSimulator: Sendable {
    public enum Layout: String, Sendable { case us, dk }

    public let devicePath: String
    public let layout: Layout
    private let transport: SerialScannerSimulator
    private let clock: SimulatedKeyClock

    /// Types into `fd`, for a driver that opens `devicePath`. A pty is put in raw mode (no echo,
    /// no line editing, no signals: key records hold bytes like 0x03 and 0x1C).
    public init(writingTo fd: CInt, devicePath: String, layout: Layout = .us, ownedElsewhere: Bool = false, startTime: Duration = .seconds(1000)) {
        var attributes = termios()
        if tcgetattr(fd, &attributes) == 0 {
            cfmakeraw(&attributes)
            _ = tcsetattr(fd, TCSANOW, &attributes)
        }
        self.devicePath = devicePath
        self.layout = layout
        transport = SerialScannerSimulator(writingTo: fd, devicePath: devicePath, suffix: [], ownedElsewhere: ownedElsewhere)
        clock = SimulatedKeyClock(start: startTime)
    }

    /// A scan: the code's keys `keyInterval` apart, then the suffix key (Enter, or Tab).
    public func scan(_ code: String, keyInterval: Duration = .milliseconds(4), suffixKey: UInt16 = 28) throws(SimulatorError) {
        try transport.send(records(code, keyInterval: keyInterval, suffixKey: suffixKey))
    }

    /// A person typing `text` on the device, then Enter.
    public func type(_ text: String, keyInterval: Duration = .milliseconds(180)) throws(SimulatorError) {
        try scan(text, keyInterval: keyInterval)
    }

    /// The first `count` keys of `code`, without the suffix (a scan cut off by an unplug).
    public func partial(_ code: String, count: Int) throws(SimulatorError) {
        let keys = String(code.prefix(count))
        try transport.send(records(keys, keyInterval: .milliseconds(4), suffixKey: nil))
    }

    /// Hangs up the device side (the driver's read sees end of file or EIO).
    public func unplug() { transport.unplug() }

    /// The input_event records for `text` (+ suffix): press and release per key, Shift around
    /// capitals, SYN_REPORT after each.
    func records(_ text: String, keyInterval: Duration, suffixKey: UInt16?) -> [UInt8] {
        var bytes: [UInt8] = []
        func emit(_ type: UInt16, _ code: UInt16, _ value: Int32, at time: Duration) {
            let (seconds, attoseconds) = time.components
            let micro = attoseconds / 1_000_000_000_000
            func little(_ v: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
            bytes += little(UInt64(bitPattern: seconds), 8) + little(UInt64(bitPattern: micro), 8)
                + little(UInt64(type), 2) + little(UInt64(code), 2) + little(UInt64(UInt32(bitPattern: value)), 4)
        }
        func key(_ code: UInt16, shift: Bool) {
            let t = clock.advance(by: keyInterval)
            if shift { emit(1, 42, 1, at: t) }
            emit(1, code, 1, at: t); emit(0, 0, 0, at: t)
            emit(1, code, 0, at: t + .microseconds(500)); emit(0, 0, 0, at: t + .microseconds(500))
            if shift { emit(1, 42, 0, at: t + .microseconds(600)) }
        }
        for character in text {
            guard let (code, shift) = keyCode(for: character) else { continue }
            key(code, shift: shift)
        }
        if let suffixKey { key(suffixKey, shift: false) }
        return bytes
    }

    /// The key (and Shift) that types `character` in this layout.
    func keyCode(for character: Character) -> (UInt16, Bool)? {
        if let digit = character.wholeNumberValue, character.isASCII { return (digit == 0 ? 11 : UInt16(digit) + 1, false) }
        let rows: [(UInt16, String)] = [(16, "qwertyuiop"), (30, "asdfghjkl"), (44, "zxcvbnm")]
        let lower = Character(character.lowercased())
        for (first, letters) in rows {
            if let offset = letters.firstIndex(of: lower) {
                return (first + UInt16(letters.distance(from: letters.startIndex, to: offset)), character.isUppercase)
            }
        }
        switch (character, layout) {
        case (" ", _): return (57, false)
        case ("-", .us): return (12, false)
        case ("-", .dk): return (53, false)
        default: return nil
        }
    }
}

/// The simulator's clock: starts at a fixed time and moves only when a key is typed.
final class SimulatedKeyClock: Sendable {
    private let now: Mutex<Duration>
    init(start: Duration) { now = Mutex(start) }
    func advance(by interval: Duration) -> Duration { now.withLock { $0 += interval; return $0 } }
}
