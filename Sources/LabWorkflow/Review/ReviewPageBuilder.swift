import Dosimetry
import Foundation
import GlowCurve
import LabReports
import LabStore

/// Turns ``ReviewContext``s into what the physicist reads: the lines of `tld review` and the HTML
/// review page of a batch (``ReviewPage``), where each element's stored curve is fitted with the
/// routine automatic deconvolution (``AutomaticFitConfiguration/routine(model:material:)``, LiF:Mg,Ti
/// preset) plus the plausibility pass, and drawn with the fit against temperature in °C.
public enum ReviewPageBuilder {
    /// The dose line: Hp(10), Hp(0.07), version.
    public static func summary(_ c: ReviewContext) -> [String] {
        let d = c.dose
        var out = ["Hp(10) \(DoseTable.dose(d.hp10MilliSievert, limit: d.detectionLimitMilliSievert)) mSv",
                   "Hp(0.07) \(DoseTable.dose(d.hp007MilliSievert, limit: d.detectionLimitMilliSievert)) mSv",
                   "batch \(c.batchGroupID)", "version \(d.version)"]
        if let flags = flagLine(d) { out.append(flags) }
        if !d.remarks.isEmpty { out.append("remarks: " + d.remarks) }
        return out
    }

    /// "flags: deep-element-lost, glow-spike": the dose's flags by code, nil without flags. A code this
    /// version does not know is shown as stored and marked, never left out.
    public static func flagLine(_ d: DoseResult) -> String? {
        guard !d.flags.isEmpty else { return nil }
        return "flags: " + d.doseFlags.map { $0.isKnown ? $0.code : "\($0.code) (a flag unknown to this version of tld)" }
            .joined(separator: ", ")
    }

    /// One line per stored reason: "above review level: Hp(10) 1.20 mSv > review level 0.50 mSv (customer K-1001)".
    public static func reasons(_ c: ReviewContext) -> [String] {
        c.reasons.map { "\($0.reason.description): \($0.detail)" }
    }

    /// Wearer, national ID (first 4 digits), customer, period, type, year to date.
    public static func context(_ c: ReviewContext) -> [(label: String, value: String)] {
        guard let p = c.person else { return [("wearer", "none: a lab dosimeter or a card on no issue")] }
        var out: [(label: String, value: String)] = [
            ("wearer", p.wearerName),
            ("national ID", p.nationalIDFirst4 + "******"),
            ("customer", p.customerName.isEmpty ? p.customerID : "\(p.customerID) \(p.customerName)"),
            ("period", "\(p.periodStart) – \(p.periodEnd)"),
            ("dosimeter", p.dosimeterType.displayName),
        ]
        if let y = c.yearToDateHp10MilliSievert {
            out.append(("Hp(10) \(p.periodEnd.year) before this", String(format: "%.3f mSv", y) + " (released and assigned doses)"))
        }
        return out
    }

    public static let previousHeader = ["period", "customer", "type", "card", "Hp(10) mSv", "Hp(0.07) mSv", "status"]

    public static func previousRows(_ c: ReviewContext) -> [[String]] {
        c.previous.map { p in
            let shown = p.status == .measured || p.status == .assigned || p.status == .belowDetectionLimit
            return ["\(p.periodStart) – \(p.periodEnd)", p.customerID, p.dosimeterType.displayName, p.cardID,
                    shown ? DoseTable.dose(p.hp10MilliSievert, limit: p.detectionLimitMilliSievert) : "",
                    shown ? DoseTable.dose(p.hp007MilliSievert, limit: p.detectionLimitMilliSievert) : "",
                    p.status.label]
        }
    }

    /// The review page of one batch's doses under review.
    public static func page(batch: String, contexts: [ReviewContext], generated: String) -> ReviewPage {
        ReviewPage(batch: batch, generated: generated, cards: contexts.map { c in
            ReviewPage.Card(
                title: "dose \(c.dose.id?.rawValue ?? 0) · card \(c.dose.cardID)", summary: summary(c), reasons: reasons(c),
                context: context(c), previousHeader: previousHeader, previous: previousRows(c),
                figures: c.elements.map { figure($0, card: c.dose.cardID) })
        })
    }

    /// The fit drawn on the page: the routine profile of a batch readout (least squares, at most six
    /// peaks) with the plausibility pass of `tld glow fit` (implausible peaks refitted or dropped), so
    /// the physicist sees the fit that survives the checks, not every candidate component.
    static var fitConfiguration: AutomaticFitConfiguration {
        var c = AutomaticFitConfiguration.routine(material: .lithiumFluorideMagnesiumTitanium)
        c.enforcePlausibility = true
        return c
    }

    /// "a, b ×3": each code once, in order of first appearance, with its count when above one.
    static func counted(_ codes: [String]) -> String {
        var order: [String] = [], count: [String: Int] = [:]
        for c in codes {
            if count[c] == nil { order.append(c) }
            count[c, default: 0] += 1
        }
        return order.map { (count[$0] ?? 1) > 1 ? "\($0) ×\(count[$0] ?? 1)" : $0 }.joined(separator: ", ")
    }

    /// One element's picture: the curve with its routine fit, or the curve alone when no fit is found.
    static func figure(_ e: ReviewContext.Element, card: String) -> ReviewPage.Figure {
        let caption = "element \(e.element)"
        switch e.outcome {
        case .absent: return .init(caption: caption, svg: nil, note: "no pellet")
        case let .lost(reason): return .init(caption: caption, svg: nil, note: "LOST (\(reason))")
        case let .unreadable(why): return .init(caption: caption, svg: nil, note: "stored curve not readable: \(why)")
        case let .curve(curve):
            var options = GlowCurvePlot.Options(unit: .celsius)
            options.widthPixels = 640
            options.heightPixels = 400
            let title = "card \(card), element \(e.element)"
            do {
                let a = try GlowAnalysis.analyse(curve, configuration: fitConfiguration)
                options.dosimetricPeakIndex = a.dosimetricPeakIndex
                let tm = a.dosimetricPeak.peak.maximumTemperatureKelvin - 273.15
                let flags = a.flags.isEmpty ? "no fit flags" : "fit flags: " + Self.counted(a.flags.map(\.code))
                let note = "\(a.fit.peaks.count) peaks, dosimetric peak at \(String(format: "%.0f", tm)) °C, "
                    + "FOM \(String(format: "%.2f", a.fit.figureOfMeritPercent)) %, \(flags)"
                return .init(caption: caption, svg: GlowCurvePlot.svg(curve: curve, fit: a.fit, title: title, options: options), note: note)
            } catch {
                return .init(caption: caption, svg: GlowCurvePlot.svg(curve: curve, fit: nil, title: title, options: options),
                             note: "no fit: \(error)")
            }
        }
    }
}
