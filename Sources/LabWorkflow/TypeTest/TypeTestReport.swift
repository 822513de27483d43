import Dosimetry
import Foundation

/// Text tables of a type test: one line per field, angle and quantity (dose range, Hm/H range, pass
/// count), then every result; and the element-response characterization of known fields.
public enum TypeTestReport {
    /// The summary and the full result list.
    public static func table(_ outcome: TypeTest.Outcome) -> String {
        var out = "Type test against the trumpet curve: F = \(num(outcome.curve.factor, 2)), H0 = \(num(outcome.curve.lowerDoseLimit.value, 3)) mSv\n\n"
        out += pad("field", 16) + pad("quantity", 10) + lpad("n", 4) + lpad("H (mSv)", 16) + lpad("Hm/H min", 10) + lpad("max", 8) + lpad("pass", 8) + "\n"
        var order: [String] = []
        var groups: [String: [TrumpetCurve.Judgement]] = [:]
        for j in outcome.judgements {
            let key = j.label + "|" + j.quantity.rawValue
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(j)
        }
        for key in order {
            guard let js = groups[key], let first = js.first else { continue }
            let ratios = js.compactMap(\.ratio)
            let doses = js.map(\.delivered.value)
            let range = "\(num(doses.min() ?? 0, 3))–\(num(doses.max() ?? 0, 0))"
            out += pad(first.label, 16) + pad(first.quantity.rawValue, 10) + lpad("\(js.count)", 4) + lpad(range, 16)
                + lpad(ratios.min().map { num($0, 3) } ?? "–", 10) + lpad(ratios.max().map { num($0, 3) } ?? "–", 8)
                + lpad("\(js.filter(\.passes).count)/\(js.count)", 8) + "\n"
        }
        let passed = outcome.judgements.filter(\.passes).count
        out += "\n\(passed) of \(outcome.judgements.count) results within the trumpet curve: \(outcome.passes ? "PASS" : "FAIL")\n\n"
        out += pad("card", 10) + pad("field", 16) + pad("quantity", 10) + lpad("H (mSv)", 10) + lpad("Hm (mSv)", 11) + lpad("Hm/H", 8)
            + lpad("allowed", 14) + "  result\n"
        for j in outcome.judgements {
            out += pad(j.dosimeter, 10) + pad(j.label, 16) + pad(j.quantity.rawValue, 10) + lpad(num(j.delivered.value, 3), 10)
                + lpad(j.measured.map { num($0.value, 3) } ?? "n/a", 11) + lpad(j.ratio.map { num($0, 3) } ?? "–", 8)
                + lpad("\(num(j.lower, 2))–\(num(j.upper, 2))", 14) + "  " + (j.passes ? "pass" : "FAIL") + "\n"
        }
        return out
    }

    /// Mean S-Cs-calibrated element readings per unit true dose, per field: the characterization the
    /// algorithm's response table is made from (docs/dose-algorithm.md, section 6).
    public static func characterization(_ outcome: TypeTest.Outcome) -> [ResponseCharacterization] {
        let workers = outcome.cards.filter { $0.card.role == .worker }
        var order: [String] = []
        var groups: [String: [TypeTest.CardResult]] = [:]
        for c in workers {
            if groups[c.card.label] == nil { order.append(c.card.label) }
            groups[c.card.label, default: []].append(c)
        }
        return order.compactMap { label in
            guard let cs = groups[label], let first = cs.first else { return nil }
            func mean(_ f: (TypeTest.CardResult) -> Double?) -> Double? {
                let v = cs.compactMap(f).filter(\.isFinite)
                return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
            }
            let reference: (TypeTest.CardResult) -> Double? = { c in
                first.card.radiation == .photon ? c.card.hp10?.value : c.card.hp007?.value
            }
            func perDose(_ role: ElementRole) -> Double? {
                mean { c in
                    guard let x = c.elementReadings[role], let h = reference(c), h > 0 else { return nil }
                    return x / h
                }
            }
            let h007PerH10 = mean { c in
                guard let a = c.card.hp007?.value, let b = c.card.hp10?.value, b > 0 else { return nil }
                return a / b
            }
            return ResponseCharacterization(
                field: first.card.field, angleDegrees: first.card.angleDegrees, radiation: first.card.radiation.rawValue,
                shallow: perDose(.shallow), deep: perDose(.deep), filteredLight: perDose(.filteredLight),
                filteredHeavy: perDose(.filteredHeavy), hp007PerHp10: h007PerH10)
        }
    }

    /// One field's mean element readings per unit of the field's stated dose (Hp(10) photons,
    /// Hp(0.07) beta).
    public struct ResponseCharacterization: Sendable, Hashable {
        public var field: String
        public var angleDegrees: Double
        public var radiation: String
        public var shallow, deep, filteredLight, filteredHeavy: Double?
        public var hp007PerHp10: Double?

        public var line: String {
            func f(_ x: Double?) -> String { x.map { num($0, 5) } ?? "nil" }
            return "\(field) \(Int(angleDegrees))° \(radiation): E1 \(f(shallow)) E2 \(f(deep)) E3 \(f(filteredLight)) E4 \(f(filteredHeavy)) Hp(0.07)/Hp(10) \(f(hp007PerHp10))"
        }
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
    static func num(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}
