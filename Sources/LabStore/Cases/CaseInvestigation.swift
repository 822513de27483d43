import Foundation

/// The investigation of a case (the Czech programme, seeds/003 section 6): was it a personal dose,
/// was a protective apron worn, the refined effective dose E and how it was refined, the causes, the
/// actions, and who told the worker when. Each field may be filled in steps; the case closes only when
/// all are there (``isComplete``, enforced by a trigger on `levelCase`).
public struct CaseInvestigation: Sendable, Hashable, Codable {
    public var caseID: LevelCase.ID
    public var personalDose: Bool?
    public var apronWorn: Bool?
    public var refinedEffectiveMilliSievert: Double?
    /// How E was refined from Hp(10), e.g. "apron attenuation factor 0.1 (Hp(10) over the apron)".
    public var refinedMethod: String?
    public var causes: String?
    public var actions: String?
    public var workerInformedBy: String?
    public var workerInformedOn: CalendarDay?
    public var recordedBy: String
    public var recordedAt: Date

    public init(caseID: LevelCase.ID, personalDose: Bool? = nil, apronWorn: Bool? = nil, refinedEffectiveMilliSievert: Double? = nil,
                refinedMethod: String? = nil, causes: String? = nil, actions: String? = nil, workerInformedBy: String? = nil,
                workerInformedOn: CalendarDay? = nil, recordedBy: String, recordedAt: Date) {
        self.caseID = caseID
        self.personalDose = personalDose
        self.apronWorn = apronWorn
        self.refinedEffectiveMilliSievert = refinedEffectiveMilliSievert
        self.refinedMethod = refinedMethod
        self.causes = causes
        self.actions = actions
        self.workerInformedBy = workerInformedBy
        self.workerInformedOn = workerInformedOn
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    /// What is still missing before the case may close (empty when complete).
    public var missing: [String] {
        func blank(_ s: String?) -> Bool { (s ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        var out: [String] = []
        if personalDose == nil { out.append("personal dose or not (--personal-dose yes|no)") }
        if apronWorn == nil { out.append("apron worn (--apron yes|no)") }
        if refinedEffectiveMilliSievert == nil { out.append("refined effective dose (--refined-mSv)") }
        if blank(refinedMethod) { out.append("method of the refined dose (--method)") }
        if blank(causes) { out.append("causes (--causes)") }
        if blank(actions) { out.append("actions (--actions)") }
        if blank(workerInformedBy) { out.append("who informed the worker (--informed-by)") }
        if workerInformedOn == nil { out.append("the day the worker was informed (--informed-on)") }
        return out
    }

    public var isComplete: Bool { missing.isEmpty }

    /// Fills in what `other` gives (a later step never blanks an earlier answer).
    public func merged(with other: CaseInvestigation) -> CaseInvestigation {
        var m = self
        m.personalDose = other.personalDose ?? personalDose
        m.apronWorn = other.apronWorn ?? apronWorn
        m.refinedEffectiveMilliSievert = other.refinedEffectiveMilliSievert ?? refinedEffectiveMilliSievert
        m.refinedMethod = other.refinedMethod ?? refinedMethod
        m.causes = other.causes ?? causes
        m.actions = other.actions ?? actions
        m.workerInformedBy = other.workerInformedBy ?? workerInformedBy
        m.workerInformedOn = other.workerInformedOn ?? workerInformedOn
        m.recordedBy = other.recordedBy
        m.recordedAt = other.recordedAt
        return m
    }
}
