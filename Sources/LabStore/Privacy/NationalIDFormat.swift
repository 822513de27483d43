/// The shape of a Danish national ID (CPR number): `DDMMYY-SSSS` (or the ten digits without the
/// hyphen), whose first six digits are a real calendar date.
///
/// Sources (CPR-kontoret, the Danish civil registration office):
/// - https://www.cpr.dk/cpr-systemet/opbygning-af-cpr-nummeret — positions 1–2 the day of birth,
///   3–4 the month, 5–6 the year without century, 7–10 a serial number; positions 5–7 together give
///   the century (the table below, from "Personnummeret i CPR-systemet").
/// - https://www.cpr.dk/cpr-systemet/personnumre-uden-kontrolciffer-modulus-11-kontrol/ — since
///   1 October 2007 numbers are issued that fail the modulus-11 check; they are fully valid and IT
///   systems must accept them. So this validator checks the shape and the date, **not** modulus 11.
///
/// Errors never contain the number itself (it is sensitive: DOMAIN.md §2).
///
/// ```swift
/// try NationalIDFormat.digits(of: "010190-1234")   // "0101901234"
/// try NationalIDFormat.digits(of: "320190-1234")   // throws .notACalendarDate
/// ```
public enum NationalIDFormat {
    /// Why a text is not a national ID.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not six digits, an ASCII hyphen (optional) and four digits.
        case notDDMMYYSSSS
        /// Six and four digits joined by something else than the ASCII hyphen (an en dash, a slash…).
        case wrongSeparator
        /// The first six digits are not a date that exists (day 32, month 13, 29 February of a common year).
        case notACalendarDate

        public var description: String {
            switch self {
            case .notDDMMYYSSSS: "a national ID is 10 digits written DDMMYY-SSSS"
            case .wrongSeparator: "a national ID is written DDMMYY-SSSS with a plain hyphen (-), not a dash or another sign"
            case .notACalendarDate: "the first six digits of a national ID are the birth date DDMMYY, and this date does not exist"
            }
        }
    }

    /// The ten digits of `text` when it is a national ID of the form `DDMMYY-SSSS` or `DDMMYYSSSS`
    /// with a real birth date.
    public static func digits(of text: String) throws(Problem) -> String {
        let scalars = Array(text.unicodeScalars)
        func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
        let digits: [Unicode.Scalar]
        switch scalars.count {
        case 10 where scalars.allSatisfy(isDigit):
            digits = scalars
        case 11 where scalars[..<6].allSatisfy(isDigit) && scalars[7...].allSatisfy(isDigit):
            guard scalars[6] == "-" else { throw .wrongSeparator }
            digits = Array(scalars[..<6] + scalars[7...])
        default:
            throw .notDDMMYYSSSS
        }
        let value = digits.map { Int($0.value) - 48 }
        let day = value[0] * 10 + value[1], month = value[2] * 10 + value[3], yy = value[4] * 10 + value[5]
        guard (1...12).contains(month), day >= 1,
              day <= daysIn(month: month, year: birthYear(yy: yy, seventhDigit: value[6])) else {
            throw .notACalendarDate
        }
        return String(String.UnicodeScalarView(digits))
    }

    /// Whether `text` is a valid national ID (shape and date).
    public static func isValid(_ text: String) -> Bool {
        (try? digits(of: text)) != nil
    }

    /// Whether `word` is meant as a national ID even if it is not a valid one: it has six or more
    /// digits (a name never does), e.g. `010180-111`, `121299–1234`, `320190-1234`.
    public static func looksLikeNationalID(_ word: String) -> Bool {
        word.unicodeScalars.filter { ("0"..."9").contains($0) }.count >= 6
    }

    /// The four-digit birth year from YY and the seventh digit (CPR-kontoret's century table).
    static func birthYear(yy: Int, seventhDigit: Int) -> Int {
        switch seventhDigit {
        case 0...3: 1900 + yy
        case 4, 9: yy <= 36 ? 2000 + yy : 1900 + yy
        default: yy <= 57 ? 2000 + yy : 1800 + yy  // 5…8
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
