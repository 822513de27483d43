/// The birth date a Danish CPR number carries.
///
/// Positions 1–6 are the birth day, month and year without century; "the combination of the digits
/// in positions 5, 6 and 7 gives the century the person was born in" (CPR-kontoret, "Opbygning af
/// CPR-nummeret", https://www.cpr.dk/cpr-systemet/opbygning-af-cpr-nummeret, and its
/// "Personnummeret i CPR-systemet"). The table (same source, restated in da.wikipedia.org "CPR-nummer"):
///
/// | 7th digit | year 00–36 | year 37–57 | year 58–99 |
/// |-----------|------------|------------|------------|
/// | 0–3       | 1900–1936  | 1937–1957  | 1958–1999  |
/// | 4, 9      | 2000–2036  | 1937–1957  | 1958–1999  |
/// | 5–8       | 2000–2036  | 2037–2057  | 1858–1899  |
///
/// So CPR numbers cover births 1858–2057. The check digit is **not** tested: "until 1 October 2007
/// every personal number met the so-called modulus 11 check", and since then the CPR office issues
/// numbers without it and asks every user to accept them (same page, "Personnumre uden kontrolciffer
/// (Modulus 11)"). A number whose first six digits are not a real day (e.g. 300201, or an
/// administrative replacement number) carries no birth date: nil, never a guess.
public enum NationalIDBirthDate {
    /// The birth date of the 10 digits of a CPR number, or nil when they carry none.
    public static func birthDate(cprDigits digits: String) -> CalendarDay? {
        let values = digits.utf8.map { Int($0) - 0x30 }
        guard values.count == 10, values.allSatisfy({ (0...9).contains($0) }) else { return nil }
        let day = values[0] * 10 + values[1]
        let month = values[2] * 10 + values[3]
        let yy = values[4] * 10 + values[5]
        guard let century = century(seventhDigit: values[6], yearOfCentury: yy) else { return nil }
        return try? CalendarDay(year: century + yy, month: month, day: day)
    }

    /// The century (1800, 1900 or 2000) of a birth year from the 7th digit and the 2-digit year.
    public static func century(seventhDigit: Int, yearOfCentury yy: Int) -> Int? {
        guard (0...99).contains(yy) else { return nil }
        switch seventhDigit {
        case 0...3: return 1900
        case 4, 9: return yy <= 36 ? 2000 : 1900
        case 5...8: return yy <= 57 ? 2000 : 1800
        default: return nil
        }
    }
}
