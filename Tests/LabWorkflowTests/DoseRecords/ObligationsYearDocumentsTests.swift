import Foundation
import LabReports
import LabStore
import TestSupport
import Testing
@testable import LabWorkflow

/// Issue 13's "done when", the documents of the test year (``ObligationsYear``): every document shows
/// the right figures. The notification to the authority and the customer's letter of each notifiable
/// case (`tld notifications show --out`), each customer's annual review (`tld annual --out`), two
/// months' result lists (`tld results --out`), a person's extract and a termination report
/// (`tld history --out`), read back from their text or PDFs with pdftotext (poppler-utils, scripts/install-deps.sh) against the test's own
/// model: the right person (name, national ID as its first 4 digits only), period, dose, year to date
/// and level; one notice and one review as pictures (pdftoppm renders an A4 page with ink on it). And
/// the annual review's set queries (``AnnualReviewStore``) give exactly what the per-worker dose
/// records gave.
@Suite("Obligations: the test year's documents", .serialized, .cpuHeavy)
struct ObligationsYearDocumentsTests {
    /// The PDF's text as pdftotext -layout gives it, each run of blanks made one space.
    static func pdfText(_ bytes: [UInt8], _ name: String, in dir: URL) async throws -> String {
        let file = dir.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return Poppler.squeezed(try await Poppler.text(file))
    }

    static func mSv(_ v: Double) -> String { String(format: "%.2f", v) }

    @Test("the annual review's set queries give the per-worker review; notices and reviews show the model's figures, as text and as pictures")
    func documents() async throws {
        let year = try ObligationsYear()
        let store = year.store
        let dir = try TemporaryDirectory("obligations-documents")
        defer { dir.cleanup() }
        let people = Dictionary(uniqueKeysWithValues: year.lookups.map { ($0.value, $0.key) })
        func first4(_ person: Int) -> String { String(ObligationsYear.cpr(person).prefix(4)) }
        // The model's Hp(10) of a person in 2027 (at one customer, or all), up to and including a day.
        func modelSum(_ person: Int, customer: String? = nil, through end: CalendarDay = day("2027-12-31")) -> Double {
            year.model.filter { $0.person == person && (customer == nil || $0.customer == customer) && $0.end <= end }.reduce(0) { $0 + $1.counted }
        }

        // The annual review: the set queries against the per-worker path, and against the model.
        let builder = AnnualReviewBuilder(store: store, protector: year.protector)
        let today = day("2028-02-01")
        var reviews: [String: AnnualReview] = [:]
        for customer in ObligationsYear.customers {
            let fast = try builder.review(customerID: customer, year: 2027, today: today)
            let perWorker = try builder.review(customerID: customer, year: 2027, today: today,
                                               inspections: try store.arrivalInspections(customerID: customer),
                                               record: { try store.doseRecord(nationalIDLookup: $0) })
            #expect(fast == perWorker, "\(customer): the set queries' review differs from the per-worker one")
            #expect(fast.text() == perWorker.text())
            reviews[customer] = fast

            let here = Set(year.model.filter { $0.customer == customer }.map(\.person))
            #expect(Set(fast.workers.map(\.name)) == Set(here.map(ObligationsYear.name)), "\(customer): workers")
            for w in fast.workers {
                let person = try #require(here.first { ObligationsYear.name($0) == w.name })
                #expect(abs((w.hp10ByYear.last ?? -1) - modelSum(person, customer: customer)) < 1e-9, "\(customer) \(w.name): 2027 here")
                #expect(abs(w.hp10AllCustomers - modelSum(person)) < 1e-9, "\(customer) \(w.name): 2027 at every customer")
                #expect(w.periods == year.model.filter { $0.person == person && $0.customer == customer }.count, "\(customer) \(w.name): periods")
                #expect(w.hp10ByYear.dropLast().allSatisfy { $0 == 0 } && w.open == 0 && w.nationalIDFirst4 == first4(person))
            }
        }
        let k1 = try #require(reviews["K-1"])
        #expect(k1.dosimeters.map(\.problem).sorted() == ["damaged on arrival (manualQA: cracked pellet)", "not returned (dose assigned)"])
        #expect(k1.dosimeters.map(\.person).sorted() == [ObligationsYear.name(ObligationsYear.lost), ObligationsYear.name(ObligationsYear.damaged)])

        // The reviews' PDFs: the dual person's and the high dose's lines (K-2), the crosser's (K-3).
        for (customer, persons) in [("K-2", [ObligationsYear.dual, ObligationsYear.high]), ("K-3", [ObligationsYear.crosser, ObligationsYear.handedOver])] {
            let review = try #require(reviews[customer])
            let text = try await Self.pdfText(review.pdf(), "annual-\(customer).pdf", in: dir.url)
            #expect(text.contains("ANNUAL RADIATION-SAFETY REVIEW 2027 customer \(customer) Klinik \(customer)"))
            #expect(text.contains("Report AR-\(customer)-2027 Issued 2028-02-01 Status FINAL"))
            for person in persons {
                let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(ObligationsYear.name(person) + " ") }, "\(customer): no line for person \(person)")
                let cells = line.dropFirst(ObligationsYear.name(person).count + 1).split(separator: " ").map(String.init)
                let periods = year.model.filter { $0.person == person && $0.customer == customer }.count
                #expect(cells == [first4(person) + "******", "0.00", "0.00", "0.00", "0.00", Self.mSv(modelSum(person, customer: customer)),
                                  Self.mSv(modelSum(person)), "\(periods)", "0"], "\(customer) person \(person): \(line)")
            }
            #expect(!text.contains(ObligationsYear.cpr(ObligationsYear.dual)) && !text.contains(String(ObligationsYear.cpr(ObligationsYear.dual).prefix(6))))
        }
        let reviewPicture = try await Poppler.picture("annual-K-3.pdf", in: dir.url)
        #expect(reviewPicture.isA4(portrait: reviewPicture.width < reviewPicture.height) && reviewPicture.dark > 1000, "\(reviewPicture)")

        // The result lists (tld results): every line's period dose, year to date and lifetime against the
        // model (the year's only periods: lifetime = year to date); March's at K-1 (the lost card's
        // assigned dose, quarterly periods), May's at K-2 (the dose above 10 mSv, the dual person).
        let reports = ReportBuilder(store: store, protector: year.protector)
        let byName = Dictionary(uniqueKeysWithValues: (0..<ObligationsYear.persons).map { (ObligationsYear.name($0), $0) })
        for (customer, from, to) in [("K-1", day("2027-03-01"), day("2027-03-31")), ("K-2", day("2027-05-01"), day("2027-05-31"))] {
            let list = try reports.resultList(customerID: customer, from: from, to: to, today: day("2027-06-20"))
            let expected = year.model.filter { $0.customer == customer && $0.end >= from && $0.end <= to }
            #expect(list.rows.count == expected.count, "\(customer) \(to): lines")
            for row in list.rows {
                let person = try #require(byName[row.wearerName])
                let p = try #require(expected.first { $0.person == person && $0.end.description == row.periodEnd })
                let sums = try #require(row.sums)
                #expect(row.hp10MilliSievert.map { abs($0 - p.hp10) < 1e-9 } == true, "\(row.wearerName) \(row.periodEnd): period dose")
                #expect(abs((sums.yearToDate.hp10MilliSievert ?? -1) - modelSum(person, through: p.end)) < 1e-9, "\(row.wearerName): year to date")
                #expect(abs((sums.lifetime.hp10MilliSievert ?? -1) - modelSum(person, through: p.end)) < 1e-9, "\(row.wearerName): lifetime")
                #expect(row.nationalIDFirst4 == first4(person) && (row.status == "assigned") == (p.status == .assigned))
            }
            let text = try await Self.pdfText(list.pdf(issued: "2027-06-20"), "results-\(customer).pdf", in: dir.url)
            let persons = customer == "K-1" ? [ObligationsYear.lost, ObligationsYear.damaged] : [ObligationsYear.high, ObligationsYear.dual]
            for person in persons {
                let p = try #require(expected.first { $0.person == person })
                // A person's entry is two lines: name and figures, then "ID dddd" and the enrolment.
                let lines = text.split(separator: "\n").map(String.init)
                let line = lines.firstIndex { $0.contains(ObligationsYear.name(person)) }.map { lines[$0...min($0 + 1, lines.count - 1)].joined(separator: " ") } ?? ""
                let dose = Self.mSv(p.hp10) + (p.status == .assigned ? " A" : "")
                let ytd = Self.mSv(modelSum(person, through: p.end)) + (person == ObligationsYear.lost ? "*" : "")
                #expect(line.contains(dose) && line.contains(ytd) && line.contains("ID " + first4(person)), "\(customer) person \(person): \"\(dose)\", \"\(ytd)\" in \"\(line)\"\n\(text)")
            }
            #expect(!text.contains(ObligationsYear.cpr(ObligationsYear.lost)) && text.contains("RESULT LIST"))
        }

        // The dual person's own extract (tld history --out): both customers' periods, the year's and the
        // lifetime sum of both (24 periods, 1.20 mSv). The handed-over person's termination report (the
        // enrolment ended 30 June): January-May's doses, June's card on the successor's record.
        let dualLookup = try #require(year.lookups[ObligationsYear.dual])
        let dualWearers = try store.wearers(nationalIDLookup: dualLookup)
        let extract = DoseHistoryBuilder.extract(
            periods: try store.doseRecord(nationalIDLookup: dualLookup), personName: ObligationsYear.name(ObligationsYear.dual),
            nationalIDFirst4: first4(ObligationsYear.dual), wearers: dualWearers, asOf: day("2028-01-15"), issued: day("2028-01-15"), reportNumber: "DR-TEST")
        let extractText = Poppler.squeezed(extract.text())
        let dualSum = Self.mSv(modelSum(ObligationsYear.dual)), dualPeriods = year.model.filter { $0.person == ObligationsYear.dual }.count
        for needle in ["Monitored at customers K-1, K-2", "year 2027 person Hp(10) \(dualSum) \(dualPeriods) ", "lifetime person Hp(10) \(dualSum) \(dualPeriods) "] {
            #expect(extractText.contains(needle), "extract misses \"\(needle)\":\n\(extractText)")
        }
        let extractPDF = try await Self.pdfText(extract.pdf(), "extract.pdf", in: dir.url)
        #expect(extractPDF.contains("Person \(ObligationsYear.name(ObligationsYear.dual)), national ID \(first4(ObligationsYear.dual))******") && extractPDF.contains(dualSum))
        let leaverLookup = try #require(year.lookups[ObligationsYear.handedOver])
        let leaver = try #require(try store.wearers(nationalIDLookup: leaverLookup).first)
        let ended = try #require(try store.enrolments(customerID: leaver.customerID).first { $0.wearerID == leaver.id && $0.endDate != nil })
        let termination = DoseHistoryBuilder.termination(
            enrolment: ended, end: day("2027-06-30"), customerName: "Klinik \(leaver.customerID)",
            periods: try store.doseRecord(nationalIDLookup: leaver.nationalIDLookup), personName: leaver.name,
            nationalIDFirst4: first4(ObligationsYear.handedOver), issued: day("2027-07-20"))
        let leaverSum = Self.mSv(modelSum(ObligationsYear.handedOver)), leaverPeriods = year.model.filter { $0.person == ObligationsYear.handedOver }.count
        let terminationText = Poppler.squeezed(termination.text())
        for needle in ["TERMINATION REPORT TR-\(ended.number) status FINAL", "Monitored from 2027-01-01, ended 2027-06-30",
                       "lifetime to 2027-06-30 person Hp(10) \(leaverSum) \(leaverPeriods) ", "worn by another person: the dose is on their record"] {
            #expect(terminationText.contains(needle), "termination report misses \"\(needle)\":\n\(terminationText)")
        }

        // The notices of the two notifiable cases: the authority's notification and the customer's letter.
        let notices = ElevatedDoseNoticeBuilder(store: store, protector: year.protector)
        let notifications = try store.notifications(unsentOnly: false)
        #expect(notifications.count == 2)
        for n in notifications {
            let levelCase = try #require(try store.levelCase(id: n.caseID))
            let person = try #require(people[levelCase.personLookup])
            // The period the model says crossed: the high dose's May, the crosser's August (16 mSv > 15).
            let (start, end, threshold): (CalendarDay, CalendarDay, String) = switch person {
            case ObligationsYear.high: (day("2027-05-01"), day("2027-05-31"), "Hp(10) above 10 mSv in one monitoring period")
            case ObligationsYear.crosser: (day("2027-08-01"), day("2027-08-31"), "Hp(10) above 15 mSv summed over the periods of calendar year 2027")
            default: (day("2027-01-01"), day("2027-01-01"), "no notification for person \(person)")
            }
            let period = try #require(year.model.first { $0.person == person && $0.start == start && $0.end == end })
            let notice = try notices.notice(n)
            let name = ObligationsYear.name(person), id = first4(person) + "******"
            let authority = try await Self.pdfText(notice.authorityPDF(), "notification-\(n.reportNumber).pdf", in: dir.url)
            for needle in [
                "NOTIFICATION OF AN ELEVATED PERSONAL DOSE", "Report \(n.reportNumber) Date \(n.raisedOn) Status RAISED - not yet sent",
                "Threshold: \(threshold)", "Worker: \(name)", "National ID (first 4 digits): \(id)",
                "Employer: \(period.customer) Klinik \(period.customer)", "Period: \(start) - \(end)",
                "Hp(10) in the period: \(Self.mSv(period.hp10)) mSv", "Hp(10) in 2027 to date: \(Self.mSv(modelSum(person, through: end))) mSv",
            ] {
                #expect(authority.contains(needle), "notification \(n.reportNumber) misses \"\(needle)\":\n\(authority)")
            }
            let letter = try await Self.pdfText(notice.letterPDF(), "letter-\(n.reportNumber).pdf", in: dir.url)
            for needle in [
                "ELEVATED DOSE - LETTER TO THE CUSTOMER", "Report \(n.reportNumber) Date \(n.raisedOn)", "To: \(period.customer) Klinik \(period.customer)",
                "The dosimeter of \(name) (national ID \(id)), card", "worn \(start) - \(end), has measured an elevated dose:",
                "Hp(10) in the period: \(Self.mSv(period.hp10)) mSv", "Hp(10) in 2027 to date: \(Self.mSv(modelSum(person, through: end))) mSv",
                "We have notified the health authority of this dose (report \(n.reportNumber)).",
            ] {
                #expect(letter.contains(needle), "letter \(n.reportNumber) misses \"\(needle)\":\n\(letter)")
            }
            let cpr = ObligationsYear.cpr(person)
            for text in [authority, letter] {
                #expect(!text.contains(cpr) && !text.contains(cpr.replacingOccurrences(of: "-", with: "")) && !text.contains(String(cpr.prefix(6))))
            }
            let picture = try await Poppler.picture("notification-\(n.reportNumber).pdf", in: dir.url)
            #expect(picture.isA4(portrait: true) && picture.dark > 1000, "notification \(n.reportNumber) as a picture: \(picture)")
        }
    }
}
