/// A whole import of an existing lab's customers, wearers and enrolments, checked row by row before
/// it reaches the store, which writes it in one transaction (``MasterDataStore/importMasterData(_:)``).
public struct MasterDataImport: Sendable {
    /// One enrolment row of the import file, with the wearer and customer it belongs to.
    public struct Row: Sendable {
        /// The file's line the row starts on.
        public var line: Int
        public var customer: Customer
        public var wearerName: String
        public var nationalID: ProtectedNationalID
        public var birthDate: CalendarDay?
        public var dosimeterType: DosimeterType
        public var periodLength: PeriodLength
        public var changeDay: Int
        public var cycleMonth: Int
        public var startDate: CalendarDay
        public var endDate: CalendarDay?

        public init(
            line: Int, customer: Customer, wearerName: String, nationalID: ProtectedNationalID, birthDate: CalendarDay?,
            dosimeterType: DosimeterType, periodLength: PeriodLength, changeDay: Int, cycleMonth: Int,
            startDate: CalendarDay, endDate: CalendarDay?
        ) {
            self.line = line
            self.customer = customer
            self.wearerName = wearerName
            self.nationalID = nationalID
            self.birthDate = birthDate
            self.dosimeterType = dosimeterType
            self.periodLength = periodLength
            self.changeDay = changeDay
            self.cycleMonth = cycleMonth
            self.startDate = startDate
            self.endDate = endDate
        }
    }

    public var rows: [Row]
    /// The day the import counts as the order date of new enrolments.
    public var orderedOn: CalendarDay

    public init(rows: [Row], orderedOn: CalendarDay) {
        self.rows = rows
        self.orderedOn = orderedOn
    }
}

/// What an import changed: all zero when the same file is imported again.
public struct MasterDataImportSummary: Sendable, Hashable, Codable {
    public var customersAdded = 0
    public var customersUpdated = 0
    public var wearersAdded = 0
    public var wearersUpdated = 0
    public var enrolmentsAdded = 0
    public var enrolmentsUpdated = 0
    public var unchangedRows = 0

    public init() {}

    /// Whether the import changed nothing.
    public var changedNothing: Bool {
        customersAdded + customersUpdated + wearersAdded + wearersUpdated + enrolmentsAdded + enrolmentsUpdated == 0
    }
}
