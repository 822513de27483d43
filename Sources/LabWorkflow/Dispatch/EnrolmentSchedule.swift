import LabStore

/// The wear-period calendar of an enrolment. The one place dispatch asks for it: today every
/// enrolment follows the lab's standard cycle for its type and length; when enrolments carry their
/// own change day (1st or 15th) and quarter cycle, this becomes `e.schedule`.
public func schedule(of e: Enrolment) -> PeriodSchedule {
    .standard(for: e.dosimeterType, length: e.periodLength)
}
