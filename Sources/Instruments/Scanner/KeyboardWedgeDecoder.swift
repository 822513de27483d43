/// Turns the key events of a keyboard-wedge scanner (evdev `EV_KEY`) into codes: characters by the
/// scanner's `KeyboardLayout`, Shift and AltGr tracked, and Enter, keypad Enter or Tab (the
/// scanner's suffix) ending a code. Pure: the events carry their own time (the kernel's timestamp).
///
/// A scanner types a whole code within a few milliseconds per key; a person needs 100 ms or more
/// per key (even 100 words a minute, at the usual 5 characters a word, is 120 ms a key). A code whose every key followed the
/// one before within `scanKeyInterval` is a scan; one with a slower gap was typed on the device,
/// and is reported as typed so the bench can tell (and a half-typed line is not taken as a scan).
///
///     var decoder = KeyboardWedgeDecoder(layout: .dk)
///     for event in events { if let code = decoder.feed(event) { print(code.text, code.isScan) } }
public struct KeyboardWedgeDecoder: Sendable, Hashable {
    /// One key event.
    public struct KeyEvent: Sendable, Hashable {
        /// The evdev key code (`KEY_1` = 2, `KEY_ENTER` = 28, …).
        public var code: UInt16
        /// 1 press, 0 release, 2 autorepeat.
        public var value: Int32
        /// When it happened (the kernel's timestamp, or a test clock).
        public var time: Duration

        public init(code: UInt16, value: Int32, time: Duration) {
            self.code = code
            self.value = value
            self.time = time
        }
    }

    /// A finished code.
    public struct Code: Sendable, Hashable {
        /// The characters, as UTF-8 bytes (what `ScanPipeline` takes).
        public var text: String
        /// Every key within `scanKeyInterval` of the one before: read by the scanner, not typed.
        public var isScan: Bool
        /// Keys the layout could not turn into a character (shown as `<0x..>` by the classifier).
        public var unknownKeys: Int
    }

    public var layout: KeyboardLayout
    /// The slowest gap between two keys of a scan.
    public var scanKeyInterval: Duration
    /// Tab ends a code as well as Enter (scanners' "Tab suffix").
    public var tabEndsCode: Bool

    private var text = ""
    private var unknownKeys = 0
    private var lastKey: Duration?
    private var slowestGap: Duration = .zero
    private var leftShift = false, rightShift = false, altGr = false, capsLock = false

    public init(layout: KeyboardLayout = .us, scanKeyInterval: Duration = .milliseconds(50), tabEndsCode: Bool = true) {
        self.layout = layout
        self.scanKeyInterval = scanKeyInterval
        self.tabEndsCode = tabEndsCode
    }

    /// Whether keys of a code have come and not been ended yet (a half-read scan).
    public var hasPartialCode: Bool { !text.isEmpty || unknownKeys > 0 }

    /// Drops a half-read code (the scanner was unplugged mid-scan).
    public mutating func discardPartialCode() {
        text = ""
        unknownKeys = 0
        lastKey = nil
        slowestGap = .zero
    }

    /// Feeds one key event; returns the code it ends, if it ends one.
    public mutating func feed(_ event: KeyEvent) -> Code? {
        let pressed = event.value != 0
        switch event.code {
        case 42: leftShift = pressed; return nil
        case 54: rightShift = pressed; return nil
        case 100: altGr = pressed; return nil
        case 58: if event.value == 1 { capsLock.toggle() }; return nil
        default: break
        }
        guard event.value == 1 else { return nil }  // presses only; releases and autorepeat type nothing new
        if let last = lastKey, hasPartialCode { slowestGap = max(slowestGap, event.time - last) }
        lastKey = event.time
        if event.code == 28 || event.code == 96 || (tabEndsCode && event.code == 15) {
            defer { discardPartialCode() }
            guard hasPartialCode else { return nil }
            return Code(text: text, isScan: slowestGap <= scanKeyInterval, unknownKeys: unknownKeys)
        }
        let shifted = leftShift || rightShift
        if var character = layout.character(code: event.code, shift: shifted, altGr: altGr) {
            if capsLock, character.isLetter { character = Character(shifted ? character.lowercased() : character.uppercased()) }
            text.append(character)
        } else {
            unknownKeys += 1
        }
        return nil
    }
}
