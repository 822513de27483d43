/// The conventions every dose document prints in its footnote (docs/dose-records.md): how a dose
/// below the detection limit, an assigned dose and an open period count, and what the sums cover.
public enum DoseConventions {
    /// The detection-limit and assigned-dose conventions, one sentence each.
    public static let doses = [
        "Hp(10) and Hp(0.07): personal dose equivalent in mSv.",
        "\"<x\": below the detection limit x; counted as 0 in every sum.",
        "\"A\" after a dose: an assigned dose (the dosimeter was lost, not returned or unreadable: a colleague's dose or a notional dose set by the physicist); it counts with its value.",
        "\"*\" after a sum: it includes an assigned dose. \"+\" after a sum: a period is still without a dose (not returned or not released yet), so the sum is a lower bound.",
    ]

    /// What the year-to-date and lifetime columns cover.
    public static let sums = [
        "A period counts in the calendar year in which it ends. Year to date: the person's periods ended in that year up to and including this period; lifetime: every period on the person's record up to and including this one, at every customer (the person is found by the national ID, not the name).",
        "The Hp(10) sums of a whole-body or neutron dosimeter are the person's Hp(10) (whole-body + neutron); a shoulder or finger dosimeter's sums are its own type's; Hp(0.07) sums are the dosimeter type's.",
    ]
}
