import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging

/// Ten years (2017–2026) of a lab's monthly whole-body periods, every card taken in, read and its dose
/// released through the store's own calls (in memory, so that building it takes a minute, not an
/// hour of fsyncs): customer K-A with 500 workers (60 000 periods) and K-B with 334 (40 080), so
/// 100 080 released doses in all — the registry export of the ten years holds 100 080 records.
struct DoseRecordWorkload: Sendable {
    struct Missing: Error {}
    static func need<T>(_ value: T?) throws -> T {
        guard let value else { throw Missing() }
        return value
    }

    static let logger = Logger(label: "DoseRecordBenchmarks", factory: { _ in SwiftLogNoOpLogHandler() })
    static let workers = ["K-A": 500, "K-B": 334]
    static let firstYear = 2017, years = 10
    /// The reader's default LiF:Mg,Ti profile (firmware-protocol/PROTOCOL.md §5.2).
    static let profile = TimeTemperatureProfile(
        preheatDeciCelsius: 500, preheatMilliseconds: 0, rampDeciCelsiusPerSecond: 100, maximumDeciCelsius: 3000,
        acquisitionMilliseconds: 26_670, channels: 200, annealDeciCelsius: 3000, annealMilliseconds: 10_000)

    let store: SQLiteLabStore
    let protector: NationalIDProtector
    /// The look-up hash of K-A's first worker (whose history is read).
    let firstWorker: Data

    static func cpr(_ i: Int) -> String { String(format: "%02d%02d%02d-%04d", 1 + i % 28, 1 + (i / 28) % 12, 50 + i % 40, 1000 + i) }

    init() throws {
        store = try SQLiteLabStore.inMemory(logger: Self.logger)
        protector = try NationalIDProtector(masterKey: Data(repeating: 0x42, count: 32))
        let start = try CalendarDay(year: Self.firstYear, month: 1, day: 1)
        var enrolments: [(customer: String, id: Enrolment.ID, person: Int)] = []
        var person = 0
        for (customer, count) in Self.workers.sorted(by: { $0.key < $1.key }) {
            _ = try store.saveCustomer(Customer(id: customer, name: "Klinik \(customer)", companyID: "12345678"))
            for _ in 0..<count {
                let w = try store.addWearer(customerID: customer, name: "Worker \(person)", nationalID: try protector.protect(Self.cpr(person)))
                let e = try store.enrol(Enrolment(wearerID: try Self.need(w.id), customerID: customer, dosimeterType: .wholeBody, periodLength: .oneMonth,
                                                  startDate: start, orderedOn: start.adding(days: -31)))
                enrolments.append((customer, try Self.need(e.id), person))
                person += 1
            }
        }
        firstWorker = try protector.lookup(Self.cpr(0))
        let counts: [UInt32] = (0..<50).map { UInt32(100 + $0 * 3) }
        let temps: [Int16] = (0..<50).map { Int16(500 + $0 * 50) }
        let crc = CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temps)
        var cardNumber = 0
        for month in 0..<(Self.years * 12) {
            let periodStart = start.adding(months: month), periodEnd = start.adding(months: month + 1).adding(days: -1)
            let cards = enrolments.map { _ in cardNumber += 1; return String(format: "B%07d", cardNumber) }
            try store.addCards(cards.map { Card(id: $0, dosimeterType: .wholeBody, stateChangedAt: Date()) })
            for customer in Self.workers.keys.sorted() {
                let requests = zip(cards, enrolments).filter { $0.1.customer == customer }.map {
                    IssueRequest(cardID: $0.0, enrolmentID: $0.1.id, periodStart: periodStart, periodEnd: periodEnd)
                }
                _ = try store.issueCards(requests, customerID: customer, dispatchedOn: periodStart.adding(days: -7))
                let ret = try Self.need(try store.openReturn(customerID: customer, arrivedOn: periodEnd.adding(days: 5)).id)
                for r in requests {
                    let issue = try Self.need(try store.currentIssue(cardID: r.cardID)?.id)
                    _ = try store.acceptReturnedCard(issueID: issue, returnID: ret, handedOverToName: nil, scannedCode: r.cardID, message: "accepted")
                    _ = try store.saveInspection(CardInspection(cardID: r.cardID, issueID: issue, stage: .arrival, outcome: .fit, damages: [],
                                                                inspectedBy: "tech", inspectedAt: Date()))
                }
                _ = try store.closeReturn(id: ret)
            }
            let batch = try Self.need(try store.openBatch(groupID: "M\(month)", reader: ReaderIdentity(model: "TLR", serial: "S1", firmware: "1"), elementsPerCard: 1,
                                                           timeTemperatureProfile: Self.profile, source: "benchmark").id)
            for (n, card) in cards.enumerated() {
                _ = try store.saveElementReading(ElementReading(batchID: batch, cardID: card, element: 1, readAt: Date(), outcome: .stored(ElementCurve(
                    counts: counts, temperaturesDeciCelsius: temps, channelMicroseconds: 100_000, pmtDarkCountsPerSecond: 10,
                    heaterMaxDeciCelsius: 3000, readerCurveCRC32: crc))))
                // 0.02–0.11 mSv: some below the detection limit.
                let hp10 = 0.02 + Double((n * 7 + month * 3) % 10) * 0.01
                _ = try store.saveDose(DoseEvaluation(batchID: batch, cardID: card, hp10MilliSievert: hp10, hp007MilliSievert: hp10 + 0.01,
                                                      detectionLimitMilliSievert: 0.03, algorithmID: "benchmark", calibrationID: nil, evaluatedAt: Date()))
            }
            _ = try store.finishBatch(id: batch)
            _ = try store.markCardsRead(batch: batch)
            for dose in try store.currentDoses(batch: batch) {
                _ = try store.setDoseState(id: try Self.need(dose.id), to: .released, audit: DoseAudit(who: "bench", why: "ok"), action: .stateChanged)
            }
            _ = try store.markReleasedCards()
        }
    }

    /// What `tld annual --customer K-A --year 2026 --out DIR` builds: the review and its text, HTML and PDF.
    func annualReview() throws -> Int {
        let review = try AnnualReviewBuilder(store: store, protector: protector)
            .review(customerID: "K-A", year: Self.firstYear + Self.years - 1, today: try CalendarDay(year: Self.firstYear + Self.years, month: 2, day: 1))
        let documents = review.documents()
        return documents.text.utf8.count + documents.html.utf8.count + documents.pdf.count
    }

    /// What `tld registry export --from 2017-01-01 --to 2026-12-31 --out FILE` does. Returns the records written.
    func registryExport(to path: String) throws -> Int {
        let outcome = try RegistryExport(store: store, protector: protector).run(
            from: try CalendarDay(year: Self.firstYear, month: 1, day: 1), to: try CalendarDay(year: Self.firstYear + Self.years - 1, month: 12, day: 31),
            on: try CalendarDay(year: Self.firstYear + Self.years, month: 6, day: 1), createdAt: "2027-06-01T08:00:00Z",
            fileName: (path as NSString).lastPathComponent) { data in try data.write(to: URL(fileURLWithPath: path)) }
        return outcome?.entry.recordCount ?? 0
    }

    /// What `tld history` reads and sums for one person: the dose record and its standard sums.
    func history() throws -> Int {
        let periods = try store.doseRecord(nationalIDLookup: firstWorker)
        let sums = DoseRecordSums.standard(periods, asOf: try CalendarDay(year: Self.firstYear + Self.years, month: 2, day: 1)) + DoseRecordSums.years(periods)
        return periods.count + sums.count
    }
}
