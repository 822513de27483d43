/// The keyboard layout a keyboard-wedge scanner "types" in: which character each key (Linux
/// evdev key code, `linux/input-event-codes.h`) gives, plain, with Shift and with AltGr.
/// A scanner sends key codes for the layout it is configured for; decode with the same one.
///
/// US is the scanners' factory default; DK is the Danish layout (kbd `dk`, xkeyboard-config
/// `symbols/dk`): digits on the same keys as US, `+` on the US `-` key, `-` on the US `/` key,
/// `æ ø å`, and `@ £ $ { [ ] }` on AltGr+2…0.
public enum KeyboardLayout: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case us
    case dk

    public var description: String { rawValue.uppercased() }

    /// The character of key `code` with the modifiers, or nil for a key that types nothing here
    /// (a modifier, a function key, a dead key).
    public func character(code: UInt16, shift: Bool, altGr: Bool) -> Character? {
        if let keypad = Self.keypad[code] { return keypad }
        let table: [UInt16: (Character?, Character?, Character?)] = self == .us ? Self.usKeys : Self.dkKeys
        guard let (plain, shifted, alt) = table[code] else { return nil }
        if altGr { return alt }
        return shift ? shifted : plain
    }

    // Keys the same in both layouts: letters (QWERTY), space.
    private static let letters: [UInt16: (Character?, Character?, Character?)] = {
        var keys: [UInt16: (Character?, Character?, Character?)] = [:]
        let rows: [(UInt16, String)] = [(16, "qwertyuiop"), (30, "asdfghjkl"), (44, "zxcvbnm")]
        for (first, letters) in rows {
            for (offset, letter) in letters.enumerated() {
                keys[first + UInt16(offset)] = (letter, Character(letter.uppercased()), nil)
            }
        }
        keys[57] = (" ", " ", nil)
        return keys
    }()

    private static let usKeys: [UInt16: (Character?, Character?, Character?)] = letters.merging([
        2: ("1", "!", nil), 3: ("2", "@", nil), 4: ("3", "#", nil), 5: ("4", "$", nil), 6: ("5", "%", nil),
        7: ("6", "^", nil), 8: ("7", "&", nil), 9: ("8", "*", nil), 10: ("9", "(", nil), 11: ("0", ")", nil),
        12: ("-", "_", nil), 13: ("=", "+", nil), 26: ("[", "{", nil), 27: ("]", "}", nil),
        39: (";", ":", nil), 40: ("'", "\"", nil), 41: ("`", "~", nil), 43: ("\\", "|", nil),
        51: (",", "<", nil), 52: (".", ">", nil), 53: ("/", "?", nil),
    ]) { _, new in new }

    private static let dkKeys: [UInt16: (Character?, Character?, Character?)] = letters.merging([
        2: ("1", "!", nil), 3: ("2", "\"", "@"), 4: ("3", "#", "£"), 5: ("4", "¤", "$"), 6: ("5", "%", "€"),
        7: ("6", "&", nil), 8: ("7", "/", "{"), 9: ("8", "(", "["), 10: ("9", ")", "]"), 11: ("0", "=", "}"),
        12: ("+", "?", nil), 13: (nil, nil, "|"),  // ´ ` are dead keys
        26: ("å", "Å", nil), 27: (nil, nil, "~"),  // ¨ ^ dead
        39: ("æ", "Æ", nil), 40: ("ø", "Ø", nil), 41: ("½", "§", nil), 43: ("'", "*", nil),
        51: (",", ";", nil), 52: (".", ":", nil), 53: ("-", "_", nil), 86: ("<", ">", "\\"),
    ]) { _, new in new }

    /// The numeric keypad (with Num Lock on, as scanners send it): the same in every layout.
    private static let keypad: [UInt16: Character] = [
        71: "7", 72: "8", 73: "9", 74: "-", 75: "4", 76: "5", 77: "6", 78: "+", 79: "1", 80: "2", 81: "3",
        82: "0", 83: ".", 55: "*", 98: "/",
    ]
}
