import LabStore

/// The lab's rules for when a card goes out (DOMAIN.md §2).
public struct DispatchPolicy: Sendable, Hashable {
    /// A card is sent this many working days before its period starts, so that it is with the wearer
    /// on the first day (the seed: "I burde modtage disse nye dosimetre inden indeværende måleperiode
    /// udløber").
    public var leadWorkingDays: Int
    /// Days the lab does not dispatch: weekends and these holidays.
    public var holidays: HolidayCalendar
    /// How far ahead the stock forecast looks, in days.
    public var forecastDays: Int
    /// Whether a new enrolment's first card, when its usable time is cut short (DOMAIN.md §2), is sent
    /// free of charge. Off by default: the seed charges every card sent "unless the packing slip says
    /// otherwise" ("Der skal betales for alle fremsendte dosimetre, medmindre andet fremgår af den
    /// medsendte følgeseddel", seeds/004, Økonomi), and names no card as free; a lab that waives it
    /// turns this on, and the slip then marks the card "free".
    public var freeShortFirstCard: Bool

    public init(leadWorkingDays: Int = 5, holidays: HolidayCalendar = .denmark, forecastDays: Int = 30, freeShortFirstCard: Bool = false) {
        self.leadWorkingDays = max(0, leadWorkingDays)
        self.holidays = holidays
        self.forecastDays = max(0, forecastDays)
        self.freeShortFirstCard = freeShortFirstCard
    }

    /// The day a card for `period` goes out: `leadWorkingDays` working days before it starts, but not
    /// before the customer's last day to unsubscribe from that period has passed (15 days before it,
    /// DOMAIN.md §2), so that an unsubscription that arrives in time is always honoured.
    public func sendDay(for period: WearPeriod) -> CalendarDay {
        let lead = period.start.subtractingWorkingDays(leadWorkingDays, holidays: holidays)
        let afterDeadline = PeriodSchedule.unsubscribeDeadline(forPeriodStarting: period.start).adding(days: 1)
        return max(lead, afterDeadline)
    }
}

extension CalendarDay {
    /// The `n`-th working day before this day: Monday–Friday and not a holiday of `holidays`.
    public func subtractingWorkingDays(_ n: Int, holidays: HolidayCalendar = .none) -> CalendarDay {
        var d = self
        var left = n
        while left > 0 {
            d = d.adding(days: -1)
            if holidays.isWorkingDay(d) { left -= 1 }
        }
        return d
    }
}
