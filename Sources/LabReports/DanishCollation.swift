import Foundation

/// Danish alphabetical order for names on the lab's documents (the packing slip's tables, DOMAIN.md §3).
///
/// The rules of the CLDR tailoring for Danish (`common/collation/da.xml`, type "standard"):
///
///     [caseFirst upper]
///     &D<<đ<<<Đ<<ð<<<Ð   &th<<<þ   &Y<<ü<<<Ü<<ű<<<Ű   &oe<<œ<<<Œ
///     &[before 1]ǀ<æ<<<Æ<<ä<<<Ä<ø<<<Ø<<ö<<<Ö<<ő<<<Ő<å<<<Å<<<aa<<<Aa<<<AA
///
/// - the alphabet is A–Z, then **Æ, Ø, Å** (Retskrivningsordbogen: the Danish alphabet has 29 letters);
/// - **"aa" sorts as "å"** (a tertiary variant of it: "Ålborg" and "Aalborg" fall in the same place,
///   "Ålborg" first), so "Aaberg" comes after "Zeuthen";
/// - ä sorts with æ, ö and ő with ø, ü and ű with y, đ and ð with d, œ as "oe", þ as "th";
/// - other accents (é, è, ñ, …) are secondary differences: "Lene" < "Léne" < "Lenz";
/// - case is a tertiary difference, upper case first: case-insensitive otherwise.
///
/// Spaces and punctuation are not ignored (CLDR's default `alternate=non-ignorable`) and sort before
/// digits, digits before letters, a space before a comma (the CLDR root order), so "Berg, Bo" comes
/// before "Bergmann, Anne" and "Berg Andersen, Eva" before "Berg, Bo".
///
/// ```swift
/// ["Øster", "Aalborg", "Zeuthen", "Ærø"].sorted(by: DanishCollation.areInIncreasingOrder)
/// // ["Zeuthen", "Ærø", "Øster", "Aalborg"]
/// ```
public enum DanishCollation {
    /// The sort key: primary weights (letters), then secondary (accents), then tertiary (case, the
    /// "aa" spelling of å), then the text itself so that the order is total.
    public struct Key: Comparable, Sendable, Hashable {
        public var primary: [Int]
        public var secondary: [Int]
        public var tertiary: [Int]
        public var text: [UInt32]

        public static func < (a: Key, b: Key) -> Bool {
            if a.primary != b.primary { return a.primary.lexicographicallyPrecedes(b.primary) }
            if a.secondary != b.secondary { return a.secondary.lexicographicallyPrecedes(b.secondary) }
            if a.tertiary != b.tertiary { return a.tertiary.lexicographicallyPrecedes(b.tertiary) }
            return a.text.lexicographicallyPrecedes(b.text)
        }
    }

    /// Whether `a` sorts before `b` in Danish order.
    public static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool { key(a) < key(b) }

    /// Whether `a` and `b` fall on the same place at the primary level (same letters, ignoring case,
    /// accents and the "aa"/"å" spelling).
    public static func samePrimary(_ a: String, _ b: String) -> Bool { key(a).primary == key(b).primary }

    static let ae = 300 + 27, oe = 300 + 28, aRing = 300 + 29

    /// The collation key of `text`.
    public static func key(_ text: String) -> Key {
        var primary: [Int] = [], secondary: [Int] = [], tertiary: [Int] = []
        let chars = Array(text)
        var i = 0
        func add(_ p: Int, _ s: Int, _ t: Int) { primary.append(p); secondary.append(s); tertiary.append(t) }
        while i < chars.count {
            let ch = chars[i]
            // ASCII other than "a" (which may start "aa"): weights straight from the byte.
            if let ascii = ch.asciiValue, ascii | 0x20 != 0x61 {
                switch ascii {
                case 0x41...0x5A: add(300 + Int(ascii - 0x40), 0, 0)
                case 0x61...0x7A: add(300 + Int(ascii - 0x60), 0, 1)
                case 0x30...0x39: add(200 + Int(ascii - 0x30), 0, 0)
                case 0x20, 0x09, 0x0A, 0x0D: add(1, 0, 0)
                default: add(2 + Int(ascii), 0, 0)
                }
                i += 1
                continue
            }
            let upper = ch.isUppercase ? 0 : 1
            let lower = String(ch).lowercased()
            // "aa" is a spelling of "å" (CLDR da: å<<<Å<<<aa<<<Aa<<<AA).
            if lower == "a", i + 1 < chars.count, String(chars[i + 1]).lowercased() == "a" {
                add(aRing, 0, 2 + upper)  // after "Å" and "å"
                i += 2
                continue
            }
            switch lower {
            case "æ": add(ae, 0, upper)
            case "ä": add(ae, 1, upper)
            case "ø": add(oe, 0, upper)
            case "ö": add(oe, 1, upper)
            case "ő": add(oe, 2, upper)
            case "å": add(aRing, 0, upper)
            case "ü": add(letter("y"), 1, upper)
            case "ű": add(letter("y"), 2, upper)
            case "đ": add(letter("d"), 1, upper)
            case "ð": add(letter("d"), 2, upper)
            case "œ": add(letter("o"), 1, upper); add(letter("e"), 1, upper)
            case "þ": add(letter("t"), 1, upper); add(letter("h"), 1, upper)
            case "ß": add(letter("s"), 1, 1); add(letter("s"), 1, 1)
            default:
                // Base letter and accents: canonical decomposition, e.g. "é" = "e" + U+0301.
                let scalars = Array(lower.decomposedStringWithCanonicalMapping.unicodeScalars)
                guard let base = scalars.first else { i += 1; continue }
                let accent = scalars.dropFirst().reduce(0) { $0 * 31 + Int($1.value % 1000) }
                let accentWeight = accent == 0 ? 0 : 10 + accent
                switch base.value {
                case 0x61...0x7A: add(letter(Character(base)), accentWeight, upper)
                case 0x30...0x39: add(200 + Int(base.value - 0x30), 0, 0)
                case 0x20, 0x09, 0x0A, 0x0D, 0xA0: add(1, 0, 0)
                case 0x21...0x7F: add(2 + Int(base.value), 0, 0)
                default: add(1000 + Int(base.value), accentWeight, upper)
                }
            }
            i += 1
        }
        return Key(primary: primary, secondary: secondary, tertiary: tertiary, text: text.unicodeScalars.map(\.value))
    }

    /// 301 for "a" … 326 for "z".
    static func letter(_ c: Character) -> Int {
        300 + Int((c.unicodeScalars.first?.value ?? 0x61) - 0x60)
    }
}
