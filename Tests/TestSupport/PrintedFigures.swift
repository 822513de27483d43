/// Two texts that say the same thing with the same figures, where a printed figure may differ by one
/// unit in its last digit.
///
/// Why: two runs of the same readout at different moments evaluate each element at its own read
/// time, so the fading correction of a card read minutes later differs in the sixth significant
/// digit; a dose that lies on a rounding boundary (1.59345 mSv) then prints as 1.5934 in one run and
/// 1.5935 in the other. Everything else — words, order, flags, states, every other digit — must be
/// equal.
public enum PrintedFigures {
    /// Whether `a` and `b` are equal but for decimal figures one unit apart in their last printed
    /// digit (same number of decimals). Whole numbers — card IDs, counts, years — must be equal.
    public static func equalUpToLastDigit(_ a: String, _ b: String) -> Bool {
        let x = tokens(a)
        let y = tokens(b)
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            guard case let .figure(m, decimalsM) = p, case let .figure(n, decimalsN) = q, decimalsM == decimalsN, decimalsM > 0,
                  abs(m - n) <= 1 else { return false }
        }
        return true
    }

    enum Token: Equatable {
        case text(String)
        /// The figure's digits as an integer (decimal point removed, sign kept) and its number of decimals.
        case figure(Int, decimals: Int)
    }

    static func tokens(_ s: String) -> [Token] {
        var out: [Token] = []
        var text = ""
        var chars = Array(s)[...]
        while let c = chars.first {
            if c.isASCII, c.isNumber {
                var digits = ""
                var decimals: Int?
                while let d = chars.first, d.isASCII, d.isNumber || (d == "." && decimals == nil && chars.dropFirst().first.map { $0.isASCII && $0.isNumber } == true) {
                    if d == "." { decimals = 0 } else { digits.append(d); decimals = decimals.map { $0 + 1 } }
                    chars = chars.dropFirst()
                }
                var sign = 1
                if text.last == "-" { sign = -1; text.removeLast() }
                if !text.isEmpty { out.append(.text(text)); text = "" }
                // Figures too long for an Int (IDs, checksums) stay text: they must be equal.
                if let value = Int(digits) { out.append(.figure(sign * value, decimals: decimals ?? 0)) } else { out.append(.text(digits)) }
            } else {
                text.append(c)
                chars = chars.dropFirst()
            }
        }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }
}
