import LabStore

/// The wear-period calendar of an enrolment, as dispatch asks for it: the enrolment's own change day
/// (1st or 15th) and quarter cycle (``Enrolment/schedule``).
public func schedule(of e: Enrolment) -> PeriodSchedule { e.schedule }
