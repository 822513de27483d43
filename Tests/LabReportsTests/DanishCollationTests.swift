import Testing
@testable import LabReports

@Suite("Danish collation (CLDR da): Æ, Ø, Å after Z, \"Aa\" as Å")
struct DanishCollationTests {
    func sorted(_ names: [String]) -> [String] { names.sorted(by: DanishCollation.areInIncreasingOrder) }

    @Test("Æ, Ø, Å come after Z, in that order")
    func lettersAfterZ() {
        #expect(sorted(["Åberg", "Ørsted", "Zeuthen", "Ærø", "Andersen"]) == ["Andersen", "Zeuthen", "Ærø", "Ørsted", "Åberg"])
        #expect(DanishCollation.areInIncreasingOrder("Ærø", "Øster"))
        #expect(DanishCollation.areInIncreasingOrder("Øster", "Ålborg"))
        #expect(!DanishCollation.areInIncreasingOrder("Østergaard", "Zeuthen"))
    }

    @Test("\"Aa\" sorts as Å: after Z, in the same place as Å, with Å first")
    func doubleA() {
        #expect(DanishCollation.areInIncreasingOrder("Zeuthen", "Aaberg"))
        #expect(DanishCollation.areInIncreasingOrder("Øster", "Aalborg"))
        #expect(DanishCollation.samePrimary("Ålborg", "Aalborg"))
        #expect(DanishCollation.samePrimary("AALBORG", "ålborg"))
        #expect(sorted(["Aalborg", "Ålborg"]) == ["Ålborg", "Aalborg"])
        #expect(sorted(["Haagensen", "Hørup", "Hansen"]) == ["Hansen", "Hørup", "Haagensen"])
        // A single a is an ordinary a.
        #expect(sorted(["Abel", "Aaberg", "Adler"]) == ["Abel", "Adler", "Aaberg"])
    }

    @Test("case-insensitive at the letter level, upper case first on a tie")
    func caseInsensitive() {
        #expect(sorted(["berg, Bo", "Andersen", "Berg, Anna"]) == ["Andersen", "Berg, Anna", "berg, Bo"])
        #expect(sorted(["jensen", "Jensen"]) == ["Jensen", "jensen"])
        #expect(DanishCollation.samePrimary("ØSTERGAARD", "østergaard"))
    }

    @Test("ä with æ, ö with ø, ü with y; other accents are secondary")
    func variants() {
        #expect(DanishCollation.samePrimary("Bäk", "Bæk"))
        #expect(DanishCollation.samePrimary("Schröder", "Schrøder"))
        #expect(DanishCollation.samePrimary("Müller", "Myller"))
        #expect(sorted(["Lenz", "Léne", "Lene"]) == ["Lene", "Léne", "Lenz"])
        #expect(DanishCollation.areInIncreasingOrder("Zahle", "Öberg"))
    }

    @Test("spaces and punctuation before letters, space before comma (CLDR root order): surname then given name")
    func punctuation() {
        #expect(sorted(["Bergmann, Anne", "Berg, Bo", "Berg Andersen, Eva"]) == ["Berg Andersen, Eva", "Berg, Bo", "Bergmann, Anne"])
    }

    @Test("a total order: every pair is ordered one way, equal only when identical")
    func totalOrder() {
        let names = ["Aa", "aa", "Å", "å", "AA", "Ab", "Æ", "ä", "Ø", "ö", "z", "Z", "", " ", "1", "Ål", "Aal"]
        for a in names {
            for b in names where a != b {
                #expect(DanishCollation.areInIncreasingOrder(a, b) != DanishCollation.areInIncreasingOrder(b, a), "\(a) vs \(b)")
            }
            #expect(!DanishCollation.areInIncreasingOrder(a, a))
        }
    }
}

@Suite("Money amounts typed by a person")
struct MoneyAmountTests {
    @Test("kroner with øre, point or comma", arguments: [("125", 12_500), ("125.5", 12_550), ("125,50", 12_550), ("0.05", 5), (" 99.50 ", 9_950)])
    func parses(text: String, minor: Int) throws {
        #expect(try MoneyAmount.minorUnits(parsing: text) == minor)
    }

    @Test("refused: negative, three decimals, empty, letters, both separators", arguments: ["-5", "1.005", "", "abc", "1,000.00", "1.", ".5", "1e3"])
    func refuses(text: String) {
        #expect(throws: MoneyAmount.Invalid.self) { try MoneyAmount.minorUnits(parsing: text) }
    }
}
