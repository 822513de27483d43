import Foundation
import LabStore
import Logging

/// The intake bench for one customer's return: takes scans (from a barcode scanner or typed), checks
/// each with ``IntakeRules``, records accepted cards (one transaction each) and logs every scan.
///
/// ```swift
/// var station = try IntakeStation.open(store: store, customerID: "K-1001", arrivedOn: today, logger: logger)
/// let outcome = try station.scan("10000016")
/// station.missingCards()        // issues of this customer whose period ended and are not back
/// ```
/// Resumable: reopening the same customer's open return continues it (already accepted cards are
/// known from the store).
public struct IntakeStation: Sendable {
    let store: any LabRecordStore
    let logger: Logger
    public let customerReturn: CustomerReturn
    public var customerID: String { customerReturn.customerID }
    /// Handovers reported before the card was scanned, by card.
    var pendingHandovers: [String: Handover] = [:]
    /// Cards accepted in this return.
    public private(set) var accepted: Set<String>
    /// What this session did (the end summary).
    public private(set) var tally = IntakeTally()

    public static func open(
        store: any LabRecordStore, customerID: String, arrivedOn: CalendarDay, logger: Logger
    ) throws -> IntakeStation {
        let ret = try store.openReturn(customerID: customerID, arrivedOn: arrivedOn)
        guard let id = ret.id else { throw LabStoreError.returnNotOpen(0) }
        let accepted = Set(try store.scans(returnID: id).filter { $0.outcome.hasPrefix("accepted") }.map(\.scannedCode))
        return IntakeStation(store: store, logger: logger, customerReturn: ret, accepted: accepted, tally: IntakeTally())
    }

    /// A card the customer reports as worn by another person (DOMAIN.md §2).
    public struct Handover: Sendable, Hashable {
        public var name: String
        /// The new person's sealed national ID, when the customer gave it: the lab then enrols them.
        public var nationalID: ProtectedNationalID?
        /// The birth date the national ID carries (``NationalIDBirthDate``), given with it.
        public var birthDate: CalendarDay?
        public init(name: String, nationalID: ProtectedNationalID? = nil, birthDate: CalendarDay? = nil) {
            self.birthDate = birthDate
            self.name = name
            self.nationalID = nationalID
        }
    }

    /// Notes that the customer reported `cardID` as worn by `name`; recorded when the card is scanned.
    /// With the person's national ID, the lab also enrols them for the same dosimeter type and period
    /// length from the next period on (the original wearer's enrolment stays); a person new to the
    /// customer is added as a wearer with `birthDate`, the one their ID carries, like any other wearer.
    public mutating func reportHandover(cardID: String, to name: String, nationalID: ProtectedNationalID? = nil, birthDate: CalendarDay? = nil) {
        pendingHandovers[cardID] = Handover(name: name, nationalID: nationalID, birthDate: nationalID == nil ? nil : birthDate)
    }

    /// What the store needs to enrol the person of `handover` from the next period of the card's issue
    /// (or, when that period is already over, the period the return arrives in);
    /// nil without their national ID (the handover is then only noted on the issue).
    func handoverEnrolment(_ handover: Handover, issue: CardIssue) throws -> HandoverEnrolment? {
        guard let sealed = handover.nationalID, let original = try store.enrolment(id: issue.enrolmentID) else { return nil }
        let schedule = original.schedule
        let next = schedule.next(after: WearPeriod(start: issue.periodStart, end: issue.periodEnd))
        // The lab learns of the person only now: a period that ended before the report cannot be
        // monitored any more (no card can be sent for it), so the enrolment starts with the period
        // the report falls in at the earliest — never with a gap the lab could not fill.
        let reported = schedule.period(containing: customerReturn.arrivedOn)
        return HandoverEnrolment(name: handover.name, nationalID: sealed, startDate: max(next.start, reported.start),
                                 orderedOn: customerReturn.arrivedOn, birthDate: handover.birthDate)
    }

    /// Checks one scanned or typed code and records what it means.
    public mutating func scan(_ code: String) throws -> ScanOutcome {
        guard let returnID = customerReturn.id else { throw LabStoreError.returnNotOpen(0) }
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        let card = trimmed.isEmpty || trimmed.count > 64 ? nil : try store.card(id: trimmed)
        let issue = card == nil ? nil : try store.currentIssue(cardID: trimmed)
        let outcome = IntakeRules.classify(
            code: code, card: card, currentIssue: issue, customerID: customerID, returnID: returnID,
            scannedInThisReturn: accepted.contains(trimmed), arrivedOn: customerReturn.arrivedOn)
        switch outcome {
        case let .accepted(cardID, issueID, _, _), let .acceptedBeforePeriodEnd(cardID, issueID, _):
            if let handover = pendingHandovers[cardID], let issue, let request = try handoverEnrolment(handover, issue: issue) {
                // The return, the new wearer and their enrolment in one transaction.
                _ = try store.acceptReturnedCard(
                    issueID: issueID, returnID: returnID, handover: request,
                    scannedCode: cardID, outcome: outcome.code, message: outcome.message)
            } else {
                _ = try store.acceptReturnedCard(
                    issueID: issueID, returnID: returnID, handedOverToName: pendingHandovers[cardID]?.name,
                    scannedCode: cardID, outcome: outcome.code, message: outcome.message)
            }
            accepted.insert(cardID)
        default:
            // A handover reported for a card already taken in (the customer told the lab after the
            // card was scanned): enrol the person now; enrolling twice is not possible.
            if case let .alreadyScanned(cardID) = outcome, let handover = pendingHandovers[cardID],
               let issue, issue.returnID == returnID, let issueID = issue.id,
               let request = try handoverEnrolment(handover, issue: issue) {
                _ = try store.enrolHandover(issueID: issueID, handover: request)
            }
            _ = try store.logScan(ReturnScan(
                returnID: returnID, scannedCode: String(code.prefix(64)), outcome: outcome.code,
                message: outcome.message, scannedAt: Date()))
            logger.info("intake scan refused", metadata: ["outcome": "\(outcome.code)", "customer": "\(customerID)"])
        }
        tally.count(outcome, arrivedOn: customerReturn.arrivedOn)
        return outcome
    }

    /// Cards of this customer whose period ended before the arrival date and that are not back yet,
    /// by period end then card.
    public func missingCards() throws -> [CardIssue] {
        try store.outstandingIssues(customerID: customerID)
            .filter { $0.periodEnd < customerReturn.arrivedOn }
            .sorted { ($0.periodEnd, $0.cardID) < ($1.periodEnd, $1.cardID) }
    }

    /// Records a scan a scanner's driver already refused as not a card (a product bar code, a web
    /// address, noise): logged as unreadable with the driver's reason and counted with the misreads.
    public mutating func refuse(code: String, message: String) throws -> ScanOutcome {
        guard let returnID = customerReturn.id else { throw LabStoreError.returnNotOpen(0) }
        let outcome = ScanOutcome.unreadable(code: code)
        _ = try store.logScan(ReturnScan(
            returnID: returnID, scannedCode: String(code.prefix(64)), outcome: outcome.code,
            message: String(message.prefix(500)), scannedAt: Date()))
        tally.count(outcome, arrivedOn: customerReturn.arrivedOn)
        return outcome
    }

    /// The missing cards with whose they are: wearer, enrolment, dosimeter type and period.
    public func missingList() throws -> [IntakeMissingCard] {
        var lookup = EnrolmentLookup(store: store)
        return try missingCards().map { issue in
            let (enrolment, wearer) = try lookup.enrolment(issue.enrolmentID)
            return IntakeMissingCard(cardID: issue.cardID, wearerName: wearer.name, enrolmentNumber: enrolment.number,
                                     dosimeterType: enrolment.dosimeterType, periodStart: issue.periodStart, periodEnd: issue.periodEnd)
        }
    }

    /// Closes the return: later scans for this customer open a new one.
    public func close() throws -> CustomerReturn {
        guard let id = customerReturn.id else { throw LabStoreError.returnNotOpen(0) }
        return try store.closeReturn(id: id)
    }
}
