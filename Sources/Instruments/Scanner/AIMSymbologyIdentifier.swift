/// An AIM symbology identifier (ISO/IEC 15424): `]`, a code character naming the symbology, and a
/// modifier character (options such as check-character handling, or the EAN/UPC variant).
/// Scanners prepend it when "AIM ID" transmission is enabled; HID POS reports carry it in their
/// own bytes.
public struct AIMSymbologyIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The code character, e.g. `C` (Code 128), `E` (EAN/UPC), `Q` (QR Code).
    public var code: Character
    /// The modifier character, e.g. `0`, or `4` for EAN-8 under `E`.
    public var modifier: Character

    public init(code: Character, modifier: Character) {
        self.code = code
        self.modifier = modifier
    }

    /// Parses the three bytes `]xy`; nil if they are not an identifier.
    public init?(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        guard b.count == 3, b[0] == UInt8(ascii: "]"), Self.isIdentifierCharacter(b[1]), Self.isIdentifierCharacter(b[2])
        else { return nil }
        code = Character(Unicode.Scalar(b[1]))
        modifier = Character(Unicode.Scalar(b[2]))
    }

    private static func isIdentifierCharacter(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// `]C0`.
    public var description: String { "]\(code)\(modifier)" }

    /// The symbology's name (ISO/IEC 15424 Table 1), or "symbology 'x'" for others.
    public var symbologyName: String {
        switch code {
        case "A": "Code 39"
        case "C": modifier == "1" ? "GS1-128" : "Code 128"
        case "E": modifier == "4" ? "EAN-8" : "EAN/UPC"
        case "F": "Codabar"
        case "G": "Code 93"
        case "I": "Interleaved 2 of 5"
        case "L": "PDF417"
        case "Q": "QR Code"
        case "d": "Data Matrix"
        case "e": "GS1 DataBar"
        case "z": "Aztec"
        case "X": "other symbology"
        default: "symbology '\(code)'"
        }
    }

    /// EAN/UPC (`]E…`): retail product codes, never a card.
    public var isRetailProductCode: Bool { code == "E" }
}
