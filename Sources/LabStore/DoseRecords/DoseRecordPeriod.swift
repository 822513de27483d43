import Foundation

/// One wear period of a person's dose record: which card, at which customer, and what it gave.
///
/// A person is found by the national ID's look-up hash, so the record spans every customer they are
/// a wearer at. A handed-over card's period is on the record of the person who wore it
/// (``wornOnHandover``); the card owner's record has the period as ``DoseRecordStatus/handedOver``.
public struct DoseRecordPeriod: Sendable, Hashable, Codable {
    public var issueID: CardIssue.ID
    public var customerID: String
    /// The wearer row (of ``customerID``) the period belongs to on this person's record.
    public var wearerID: Wearer.ID
    public var enrolmentNumber: String
    public var dosimeterType: DosimeterType
    public var cardID: String
    /// First and last day of wear, inclusive.
    public var periodStart: CalendarDay
    public var periodEnd: CalendarDay
    public var status: DoseRecordStatus
    /// The dose as reported: nil without one; Hp(10) nil for a finger card (Hp(0.07) only). For
    /// ``DoseRecordStatus/belowDetectionLimit`` the value read (counted as 0).
    public var hp10MilliSievert: Double?
    public var hp007MilliSievert: Double?
    public var detectionLimitMilliSievert: Double?
    /// The released dose version, when there is one.
    public var doseID: DoseResult.ID?
    /// When the dose was released (the result's turnaround end), nil before.
    public var releasedAt: Date?
    /// The assigned dose, when the status is ``DoseRecordStatus/assigned``.
    public var assignment: AssignedDose?
    /// Worn by this person on a card issued to someone else (handed over, DOMAIN.md §2).
    public var wornOnHandover: Bool
    /// The day the card came back.
    public var arrivedOn: CalendarDay?

    public init(
        issueID: CardIssue.ID, customerID: String, wearerID: Wearer.ID, enrolmentNumber: String, dosimeterType: DosimeterType,
        cardID: String, periodStart: CalendarDay, periodEnd: CalendarDay, status: DoseRecordStatus,
        hp10MilliSievert: Double? = nil, hp007MilliSievert: Double? = nil, detectionLimitMilliSievert: Double? = nil,
        doseID: DoseResult.ID? = nil, releasedAt: Date? = nil, assignment: AssignedDose? = nil, wornOnHandover: Bool = false,
        arrivedOn: CalendarDay? = nil
    ) {
        self.issueID = issueID
        self.customerID = customerID
        self.wearerID = wearerID
        self.enrolmentNumber = enrolmentNumber
        self.dosimeterType = dosimeterType
        self.cardID = cardID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.status = status
        self.hp10MilliSievert = hp10MilliSievert
        self.hp007MilliSievert = hp007MilliSievert
        self.detectionLimitMilliSievert = detectionLimitMilliSievert
        self.doseID = doseID
        self.releasedAt = releasedAt
        self.assignment = assignment
        self.wornOnHandover = wornOnHandover
        self.arrivedOn = arrivedOn
    }

    /// Hp(10) as it counts in sums: the value of a measured or assigned dose, 0 otherwise
    /// (below the detection limit, no dose).
    public var countedHp10MilliSievert: Double { status.hasDose ? hp10MilliSievert ?? 0 : 0 }
    /// Hp(0.07) as it counts in sums.
    public var countedHp007MilliSievert: Double { status.hasDose ? hp007MilliSievert ?? 0 : 0 }

    /// The status a released dose has: below the detection limit when the reported quantity
    /// (Hp(0.07) for a finger card, else Hp(10)) is under it; no valid result without a value.
    public static func releasedStatus(type: DosimeterType, hp10: Double?, hp007: Double?, detectionLimit: Double?) -> DoseRecordStatus {
        let reported = type == .finger ? hp007 : hp10 ?? hp007
        guard let reported else { return .noValidResult }
        if let detectionLimit, reported < detectionLimit { return .belowDetectionLimit }
        return .measured
    }
}
