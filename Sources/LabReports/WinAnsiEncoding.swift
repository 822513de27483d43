/// WinAnsiEncoding, the PDF's single-byte encoding of the lab's documents (ISO 32000-1, Annex D.2;
/// Windows code page 1252): ASCII, Latin-1 (æ ø å Æ Ø Å é ü …) and 27 characters at 0x80–0x9F
/// (€ – — … ‘ ’ “ ” • ™ Š š Œ œ Ž ž Ÿ ƒ ˆ ˜ † ‡ ‰ ‹ › ‚ „).
enum WinAnsiEncoding {
    /// The characters at codes 0x80…0x9F (nil: no character).
    static let high: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]

    /// The character of a code (nil: none).
    static func scalar(_ code: UInt8) -> Unicode.Scalar? {
        switch code {
        case 0x20...0x7E, 0xA0...0xFF: Unicode.Scalar(code)
        case 0x80...0x9F: high[Int(code) - 0x80]
        default: nil
        }
    }

    static let codes: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (i, s) in high.enumerated() { if let s { map[s.value] = UInt8(0x80 + i) } }
        return map
    }()

    /// The code of a character; `?` for a character the encoding lacks (a tab or line break becomes a space).
    static func code(_ scalar: Unicode.Scalar) -> UInt8 {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0xFF: UInt8(scalar.value)
        case 0x09, 0x0A, 0x0D: 0x20
        case 0x2212: 0x2D  // minus sign → hyphen-minus
        default: codes[scalar.value] ?? 0x3F
        }
    }
}
