/// The matching and change rules of ``MasterDataStore/importMasterData(_:)``, the same for every
/// backend (each backend only reads and writes the rows): customers by number, wearers by the national
/// ID's look-up hash within their customer, enrolments by customer, wearer, type, period length and
/// start date.
extension MasterDataImport {
    /// The key an enrolment is matched by within its customer.
    public static func enrolmentKey(
        wearer: Wearer.ID, type: DosimeterType, length: PeriodLength, start: CalendarDay
    ) -> String {
        "\(wearer.rawValue)|\(type.rawValue)|\(length.rawValue)|\(start)"
    }

    /// ``enrolmentKey(wearer:type:length:start:)`` of a stored enrolment.
    public static func enrolmentKey(_ enrolment: Enrolment) -> String {
        enrolmentKey(wearer: enrolment.wearerID, type: enrolment.dosimeterType, length: enrolment.periodLength, start: enrolment.startDate)
    }
}

extension MasterDataImport.Row {
    /// ``MasterDataImport/enrolmentKey(wearer:type:length:start:)`` of this row for its wearer.
    public func enrolmentKey(wearer: Wearer.ID) -> String {
        MasterDataImport.enrolmentKey(wearer: wearer, type: dosimeterType, length: periodLength, start: startDate)
    }

    /// The stored wearer with this row's name and (when the row has one) birth date, or nil when the
    /// row changes nothing of it.
    public func updating(_ wearer: Wearer) -> Wearer? {
        guard wearer.name != wearerName || (birthDate != nil && wearer.birthDate != birthDate) else { return nil }
        var updated = wearer
        updated.name = wearerName
        updated.birthDate = birthDate ?? wearer.birthDate
        return updated
    }

    /// The stored enrolment with this row's end date and change day (1 for two-week periods), or nil
    /// when the row changes neither.
    public func updating(_ enrolment: Enrolment) -> Enrolment? {
        let changeDay = periodLength == .twoWeeks ? 1 : self.changeDay
        guard enrolment.endDate != endDate || enrolment.changeDay != changeDay else { return nil }
        var updated = enrolment
        updated.endDate = endDate
        updated.changeDay = changeDay
        return updated
    }

    /// The new enrolment this row makes for `wearer`, numbered from `sequence`, with its schedule
    /// normalised (not yet validated).
    public func newEnrolment(wearer: Wearer.ID, sequence: Int, orderedOn: CalendarDay) -> Enrolment {
        Enrolment(
            number: Enrolment.number(sequence: sequence), wearerID: wearer, customerID: customer.id,
            dosimeterType: dosimeterType, periodLength: periodLength, startDate: startDate,
            endDate: endDate, orderedOn: orderedOn, changeDay: changeDay, cycleMonth: cycleMonth
        ).normalisedSchedule
    }
}

extension Customer {
    /// This stored customer with the fields an import file carries (name, company ID, delivery
    /// address, contact name and e-mail) taken from `imported`; the rest stays as the lab keeps it.
    public func merging(imported: Customer) -> Customer {
        var c = self
        c.name = imported.name
        c.companyID = imported.companyID
        c.deliveryAddress = imported.deliveryAddress
        c.contactName = imported.contactName
        c.contactEmail = imported.contactEmail
        return c
    }
}

extension Enrolment {
    /// Whether `new` moves this enrolment's periods (type, period length, change day, cycle month or
    /// start date differ): refused once cards were issued for it, when only the end date may change.
    public func movesSchedule(to new: Enrolment) -> Bool {
        !(dosimeterType == new.dosimeterType && periodLength == new.periodLength
          && changeDay == new.changeDay && cycleMonth == new.cycleMonth && startDate == new.startDate)
    }

    /// The refusal of a schedule move of an enrolment that already has cards issued.
    public var scheduleChangeRefusal: LabStoreError {
        .invalidRecord("\(number) already has cards issued: only its end date can change (enrol the wearer anew for another type, period or cycle)")
    }
}
