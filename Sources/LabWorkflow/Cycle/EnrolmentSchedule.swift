import LabStore

extension Enrolment {
    /// The calendar of this enrolment's wear periods: its period length, change day and quarter cycle
    /// (stored with the enrolment since migration `v5-master-data`; the lab's standard cycle,
    /// ``PeriodSchedule/standard(for:length:)``, for enrolments recorded before).
    public var schedule: PeriodSchedule {
        PeriodSchedule(length: periodLength, startDay: changeDay, cycleMonth: cycleMonth)
    }
}
