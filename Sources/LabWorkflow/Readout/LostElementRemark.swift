import Dosimetry

/// The result list's remark for a released dose one of whose elements lost its signal at readout (a
/// heating cut off by a power failure, a fault or a kill: PROTOCOL.md, "interrupted, recorded as lost").
/// The dose then rests on fewer elements than the algorithm uses (docs/dose-algorithm.md): the customer
/// is told which quantity is an estimate from the others, so a value that differs from what a full
/// readout would have given never appears without a word.
enum LostElementRemark {
    static func text(flags: [DoseFlag]) -> String? {
        let set = Set(flags)
        var lost: [String] = []
        if set.contains(.deepElementLost) { lost.append("deep") }
        if set.contains(.shallowElementLost) { lost.append("shallow") }
        if set.contains(.filteredElementLost) { lost.append("filtered") }
        guard !lost.isEmpty else { return nil }
        var estimates: [String] = []
        if set.contains(.hp10FromFilteredElements) { estimates.append("Hp(10) estimated from the filtered elements") }
        if set.contains(.shallowElementLost) && !set.contains(.hp007NotAssessable) { estimates.append("Hp(0.07) estimated from the other elements") }
        if estimates.isEmpty && set.contains(.filteredElementLost) { estimates.append("photon energy checked with fewer elements") }
        let text = (lost.count == 1 ? "\(lost[0]) element" : "\(lost.joined(separator: " and ")) elements") + " lost at readout"
            + (estimates.isEmpty ? "" : ": " + estimates.joined(separator: "; "))
        return text
    }
}
