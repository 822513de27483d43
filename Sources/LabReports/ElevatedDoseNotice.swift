/// The two documents of a notifiable dose (docs/levels-and-cases.md):
///
/// - the **notification to the authority**: what the Czech programme requires in it (seeds/003
///   section 8: the Hp(10) above 10 mSv in one monitoring period, or above 15 mSv summed over a
///   calendar year, "with the evaluation of its causes and the conclusions adopted"), with the worker,
///   the customer and workplace, the card and period, the period dose and the year to date;
/// - the customer's **elevated-dose letter**, sent separately, stating that the health authority has
///   been notified (seeds/004, "Forsendelsesform": "en separat skrivelse …, hvoraf det også vil fremgå,
///   at vi har sikret at Sundhedsstyrelsen er underrettet").
///
/// The national ID is shown as its first 4 digits only: neither seed asks for the full number in
/// these documents (the Danish guide prints the first 4 digits on the lab's documents, seeds/004
/// "Tilmelding"; the full number goes to the registry only, through the registry export).
public struct ElevatedDoseNotice: Sendable, Hashable {
    public var reportNumber: String
    public var raisedOn: String
    /// "RAISED - not yet sent" or "SENT 2026-12-06 by … (secure-email)".
    public var status: String
    public var reason: String
    public var threshold: String
    public var customerNumber: String
    public var customerName: String
    public var workplaceAddress: String
    public var contactName: String
    public var wearerName: String
    public var nationalIDFirst4: String
    public var cardID: String
    public var dosimeterType: String
    public var periodStart: String
    public var periodEnd: String
    public var periodHp10MilliSievert: Double
    public var yearToDateHp10MilliSievert: Double
    public var year: Int
    /// The investigation so far; empty strings when not yet recorded.
    public var causes: String
    public var conclusions: String
    public var refinedEffective: String

    public init(reportNumber: String, raisedOn: String, status: String, reason: String, threshold: String, customerNumber: String,
                customerName: String, workplaceAddress: String, contactName: String, wearerName: String, nationalIDFirst4: String,
                cardID: String, dosimeterType: String, periodStart: String, periodEnd: String, periodHp10MilliSievert: Double,
                yearToDateHp10MilliSievert: Double, year: Int, causes: String, conclusions: String, refinedEffective: String) {
        self.reportNumber = reportNumber
        self.raisedOn = raisedOn
        self.status = status
        self.reason = reason
        self.threshold = threshold
        self.customerNumber = customerNumber
        self.customerName = customerName
        self.workplaceAddress = workplaceAddress
        self.contactName = contactName
        self.wearerName = wearerName
        self.nationalIDFirst4 = String(nationalIDFirst4.prefix(4))
        self.cardID = cardID
        self.dosimeterType = dosimeterType
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.periodHp10MilliSievert = periodHp10MilliSievert
        self.yearToDateHp10MilliSievert = yearToDateHp10MilliSievert
        self.year = year
        self.causes = causes
        self.conclusions = conclusions
        self.refinedEffective = refinedEffective
    }

    static func mSv(_ v: Double) -> String { String(format: "%.2f mSv", v) }
    static func orPending(_ s: String) -> String {
        s.isEmpty ? "under investigation; the lab sends the evaluation as a supplement to this report" : s
    }

    /// The notification to the authority, as text (A4 portrait once rendered).
    public func authorityText() -> String {
        """
        NOTIFICATION OF AN ELEVATED PERSONAL DOSE
        TL Personal Dosimetry Laboratory
        Report \(reportNumber)   Date \(raisedOn)   Status \(status)

        To: the radiation protection authority

        Reason:     \(reason)
        Threshold:  \(threshold)

        Worker:     \(wearerName)
        National ID (first 4 digits): \(nationalIDFirst4)******
        Employer:   \(customerNumber) \(customerName)
        Workplace:  \(workplaceAddress.isEmpty ? "-" : workplaceAddress)
        Contact:    \(contactName.isEmpty ? "-" : contactName)

        Dosimeter:  card \(cardID), \(dosimeterType)
        Period:     \(periodStart) - \(periodEnd)
        Hp(10) in the period:          \(Self.mSv(periodHp10MilliSievert))
        Hp(10) in \(year) to date:       \(Self.mSv(yearToDateHp10MilliSievert))
        Refined effective dose E:      \(refinedEffective.isEmpty ? "not yet determined" : refinedEffective)

        Evaluation of the causes:
          \(Self.orPending(causes))
        Conclusions adopted:
          \(Self.orPending(conclusions))

        The employer has been informed by separate letter.


        ______________________________
        Responsible physicist, TL Personal Dosimetry Laboratory

        """
    }

    /// The customer's elevated-dose letter, as text.
    public func letterText() -> String {
        """
        ELEVATED DOSE - LETTER TO THE CUSTOMER
        TL Personal Dosimetry Laboratory
        Report \(reportNumber)   Date \(raisedOn)

        To: \(customerNumber) \(customerName)\(contactName.isEmpty ? "" : ", attn. " + contactName)

        The dosimeter of \(wearerName) (national ID \(nationalIDFirst4)******), card \(cardID),
        \(dosimeterType), worn \(periodStart) - \(periodEnd), has measured an elevated dose:
          Hp(10) in the period:      \(Self.mSv(periodHp10MilliSievert))
          Hp(10) in \(year) to date:   \(Self.mSv(yearToDateHp10MilliSievert))
        \(reason).

        We have notified the health authority of this dose (report \(reportNumber)).

        Please investigate, with your radiation protection officer, whether this was a personal
        dose, whether a protective apron was worn, the causes and the actions taken, and inform the
        worker. Send us the result so that we can complete the report to the authority.


        ______________________________
        Responsible physicist, TL Personal Dosimetry Laboratory

        """
    }

    public func authorityPDF() -> [UInt8] { TextPDF.render(authorityText()) }
    public func letterPDF() -> [UInt8] { TextPDF.render(letterText()) }
}
