/// A customer's annual radiation-safety review of one calendar year (the Swedish routine,
/// seeds/000_31da7fe4b54e942c.txt: the year's "strålskyddsbokslut" is finished by 1 March, each clinic
/// reviews its radiation work in March, actions are decided and followed up the next year). What the
/// lab's system gives it (DOMAIN.md §5): every monitored worker's annual dose, the levels exceeded and
/// what was done, the trend against the four years before, and the missing or damaged dosimeters.
public struct AnnualReview: Sendable, Hashable {
    public struct Worker: Sendable, Hashable {
        public var name: String
        public var nationalIDFirst4: String
        /// Hp(10) at this customer per year, oldest first (the review year and the four before).
        public var hp10ByYear: [Double]
        /// Hp(10) in the review year at every customer (a person working for several).
        public var hp10AllCustomers: Double
        public var periods: Int
        /// Periods of the year back at the lab but without a released dose yet (a card not returned is
        /// listed under the missing dosimeters instead).
        public var open: Int

        public init(name: String, nationalIDFirst4: String, hp10ByYear: [Double], hp10AllCustomers: Double, periods: Int, open: Int) {
            self.name = name
            self.nationalIDFirst4 = String(nationalIDFirst4.prefix(4))
            self.hp10ByYear = hp10ByYear
            self.hp10AllCustomers = hp10AllCustomers
            self.periods = periods
            self.open = open
        }
    }

    public struct CaseLine: Sendable, Hashable {
        public var number: String
        public var level: String
        public var person: String
        public var period: String
        public var milliSievert: Double
        public var state: String
        public var actions: String
        public init(number: String, level: String, person: String, period: String, milliSievert: Double, state: String, actions: String) {
            self.number = number
            self.level = level
            self.person = person
            self.period = period
            self.milliSievert = milliSievert
            self.state = state
            self.actions = actions
        }
    }

    public struct DosimeterLine: Sendable, Hashable {
        public var person: String
        public var card: String
        public var period: String
        public var problem: String
        public init(person: String, card: String, period: String, problem: String) {
            self.person = person
            self.card = card
            self.period = period
            self.problem = problem
        }
    }

    public var customerNumber: String
    public var customerName: String
    public var year: Int
    public var issuedOn: String
    public var workers: [Worker]
    public var cases: [CaseLine]
    public var dosimeters: [DosimeterLine]

    public init(customerNumber: String, customerName: String, year: Int, issuedOn: String, workers: [Worker], cases: [CaseLine], dosimeters: [DosimeterLine]) {
        self.customerNumber = customerNumber
        self.customerName = customerName
        self.year = year
        self.issuedOn = issuedOn
        self.workers = workers
        self.cases = cases
        self.dosimeters = dosimeters
    }

    public var years: [Int] { Array((year - 4)...year) }
    public var reportNumber: String { "AR-\(customerNumber)-\(year)" }
    /// DRAFT while a card of the year that came back has no released dose yet.
    public var isDraft: Bool { workers.contains { $0.open > 0 } }
    public var status: String { isDraft ? "DRAFT - periods without a dose" : "FINAL" }

    /// Per year: workers with a dose record, collective Hp(10), the highest worker's Hp(10).
    public var trend: [(year: Int, workers: Int, collective: Double, highest: Double)] {
        years.indices.map { i in
            let doses = workers.map { $0.hp10ByYear.indices.contains(i) ? $0.hp10ByYear[i] : 0 }
            let monitored = i == years.count - 1 ? workers.filter { $0.periods > 0 }.count : doses.filter { $0 > 0 }.count
            return (years[i], monitored, doses.reduce(0, +), doses.max() ?? 0)
        }
    }

    static func mSv(_ v: Double) -> String { String(format: "%.2f", v) }

    public func text() -> String {
        var out = "ANNUAL RADIATION-SAFETY REVIEW \(year)  customer \(customerNumber)  \(customerName)\n"
        out += "TL Personal Dosimetry Laboratory   Report \(reportNumber)   Issued \(issuedOn)   Status \(status)\n"
        out += "Due by 1 March \(year + 1); the customer's review of its radiation work follows in March.\n\n"
        out += "1. Annual dose of every monitored worker, Hp(10) mSv (whole-body + neutron)\n\n"
        out += ReportFormatting.textTable(
            ["worker", "ID"] + years.map(String.init) + ["all customers \(year)", "periods", "pending"],
            workers.map { w in
                [w.name, w.nationalIDFirst4 + "******"] + w.hp10ByYear.map(Self.mSv) + [Self.mSv(w.hp10AllCustomers), "\(w.periods)", "\(w.open)"]
            }, rightAligned: Set(2..<(2 + years.count + 3)))
        out += "\n2. Trend against the four years before\n\n"
        let highest = max(trend.map(\.collective).max() ?? 0, 0.001)
        out += ReportFormatting.textTable(
            ["year", "workers", "collective mSv", "highest mSv", "collective dose"],
            trend.map { t in
                ["\(t.year)", "\(t.workers)", Self.mSv(t.collective), Self.mSv(t.highest),
                 String(repeating: "#", count: Int((t.collective / highest * 40).rounded()))]
            }, rightAligned: [1, 2, 3])
        out += "\n3. Monitoring levels exceeded in \(year) and what was done\n\n"
        out += cases.isEmpty ? "None.\n" : ReportFormatting.textTable(
            ["case", "level", "worker", "period", "mSv", "state", "actions"],
            cases.map { [$0.number, $0.level, $0.person, $0.period, Self.mSv($0.milliSievert), $0.state, $0.actions] }, rightAligned: [4])
        out += "\n4. Missing and damaged dosimeters in \(year)\n\n"
        out += dosimeters.isEmpty ? "None.\n" : ReportFormatting.textTable(
            ["worker", "card", "period", "problem"], dosimeters.map { [$0.person, $0.card, $0.period, $0.problem] })
        out += """

            Doses are the person dose record's: a period counts in the year it ends; below the detection
            limit counts 0; assigned doses count and are marked on the result lists; national ID shown as
            its first 4 digits.


            ______________________________
            Responsible physicist, TL Personal Dosimetry Laboratory

            """
        return out
    }

    /// The text, HTML and PDF that `tld annual --out` writes, the text rendered once for all three.
    public func documents() -> (text: String, html: String, pdf: [UInt8]) {
        let text = text()
        return (text, html(text: text), TextPDF.render(text))
    }

    /// HTML: the text in a <pre>, and the trend as an SVG bar chart.
    public func html() -> String { html(text: text()) }

    func html(text: String) -> String {
        let t = trend
        let highest = max(t.map(\.collective).max() ?? 0, 0.001)
        var bars = ""
        for (i, y) in t.enumerated() {
            let h = y.collective / highest * 150
            let x = 40 + i * 70
            bars += "<rect x=\"\(x)\" y=\(String(format: "\"%.1f\"", 170 - h)) width=\"40\" height=\(String(format: "\"%.1f\"", h)) fill=\"#4a7ab0\"/>"
            bars += "<text x=\"\(x + 20)\" y=\"188\" text-anchor=\"middle\" font-size=\"12\">\(y.year)</text>"
            bars += "<text x=\"\(x + 20)\" y=\(String(format: "\"%.1f\"", 165 - h)) text-anchor=\"middle\" font-size=\"11\">\(Self.mSv(y.collective))</text>"
        }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(ReportFormatting.html(reportNumber))</title>
            <style>body{font-family:sans-serif;margin:2em} pre{font-size:12px}</style></head><body>
            <h1>Annual radiation-safety review \(year): \(ReportFormatting.html(customerNumber)) \(ReportFormatting.html(customerName))</h1>
            <p>Report \(ReportFormatting.html(reportNumber)), issued \(ReportFormatting.html(issuedOn)), status \(ReportFormatting.html(status))</p>
            <h2>Collective Hp(10), mSv, \(years.first ?? year)–\(year)</h2>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(60 + 70 * t.count)" height="200" role="img" aria-label="collective dose per year">\(bars)</svg>
            <pre>\(ReportFormatting.html(text))</pre>
            </body></html>

            """
    }

    public func pdf() -> [UInt8] { TextPDF.render(text()) }
}
