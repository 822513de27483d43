import RealModule

/// The multi-element dose algorithm, version 2 (`tld-multi-element-v2`): the model function of
/// docs/dose-algorithm.md. From the four corrected element readings it finds the radiation type and
/// the photon energy by matching the card's pattern against the characterized responses
/// (``ElementResponseTable``), computes Hp(10) and Hp(0.07) with their uncertainty, and checks each
/// element against the pattern of its siblings.
public struct DoseAlgorithm: Sendable, Hashable {
    public static let identifier = "tld-multi-element-v2"
    public var cardType: CardType
    public var fading: FadingModel
    public var responses: ElementResponseTable
    public var nonLinearity: NonLinearityCorrection
    /// Relative deviation (1σ) of one element from the pattern of a field that is still "in pattern":
    /// the spread of the response within a field beyond the element reproducibility (angles and spectra
    /// between the tabulated ones). With the reproducibility of 4 %, an element more than 3σ off (≈ 24 %)
    /// is out of pattern, as in version 1 (25 %).
    public var patternTolerance: Double
    /// Relative reproducibility of one element's reading (1σ): element sensitivity spread after the
    /// calibration, as the calibration dosimeters show it (≈ 3–4 %).
    public var elementReproducibility: Double
    /// Absolute noise of one element's reading (1σ, mSv): background variation and counting.
    public var readingNoise: MilliSievert
    /// Thermal history from the glow curve (ThermalHistory.swift): corrects the 20 °C fading model for
    /// the card's effective storage temperature. nil = the fading model alone.
    public var thermalHistory: ThermalHistoryModel?

    public init(
        cardType: CardType = .wholeBody, fading: FadingModel = .lifMgTiDefault,
        responses: ElementResponseTable = .wholeBodyCharacterized, nonLinearity: NonLinearityCorrection = .lifMgTiDefault,
        patternTolerance: Double = 0.07, elementReproducibility: Double = 0.04, readingNoise: MilliSievert = MilliSievert(0.01),
        thermalHistory: ThermalHistoryModel? = .lifMgTiDefault
    ) {
        self.thermalHistory = thermalHistory
        self.cardType = cardType
        self.fading = fading
        self.responses = responses
        self.nonLinearity = nonLinearity
        self.patternTolerance = patternTolerance
        self.elementReproducibility = elementReproducibility
        self.readingNoise = readingNoise
    }

    /// Relative standard uncertainty of the calibration (deep role); 0.02 for stored records, which
    /// carry none (section 4 of docs/dose-algorithm.md).
    static func calibrationUncertainty(_ calibration: ReaderCalibration) -> Double {
        calibration.relativeStandardUncertainty[.deep] ?? 0.02
    }

    /// Relative standard uncertainty of a net dose well above the detection limit, without the energy
    /// part: calibration, one element's reproducibility, fading (section 6 of docs/dose-algorithm.md).
    func relativeUncertaintyAtDose(_ calibration: ReaderCalibration) -> Double {
        let uCal = Self.calibrationUncertainty(calibration)
        return (uCal * uCal + elementReproducibility * elementReproducibility + Self.fadingUncertainty * Self.fadingUncertainty).squareRoot()
    }

    /// Relative standard uncertainty of the fading correction.
    static let fadingUncertainty = 0.03

    /// The characteristic limits (``DetectionLimit``) of a card read `daysFromAnneal` after its anneal,
    /// from the controls' scatter when there are enough of them, else from the period-length table.
    public func detectionLimit(daysFromAnneal: Days, background: BackgroundEstimate?, calibration: ReaderCalibration) -> DetectionLimit {
        DetectionLimit.characteristic(
            daysFromAnneal: daysFromAnneal, background: background, readingNoise: readingNoise,
            relativeUncertainty: relativeUncertaintyAtDose(calibration))
    }

    /// The fading factor of a card: the fading model at its days since anneal, times the thermal-history
    /// correction when its curves give one; and what the thermal history found.
    public func fadingFactor(_ card: CardSignals) -> (factor: Double, thermal: ThermalHistoryModel.Outcome?) {
        let model = fading.factor(daysFromAnnealToReadout: card.daysFromAnneal)
        guard let thermal = thermalHistory, !card.lowTemperature.isEmpty else { return (model, nil) }
        var low = NetSignal(grossCounts: 0, darkCounts: 0, channels: 0), roi = low
        for (n, l) in card.lowTemperature {
            guard case let .measured(s)? = card.elements[n] else { continue }
            low.grossCounts += l.grossCounts; low.darkCounts += l.darkCounts; low.channels += l.channels
            roi.grossCounts += s.grossCounts; roi.darkCounts += s.darkCounts; roi.channels += s.channels
        }
        guard roi.channels > 0 else { return (model, nil) }
        let outcome = thermal.estimate(low: low, roi: roi, days: card.daysFromAnneal)
        if case let .estimated(correction, _, _, _) = outcome { return (model * correction, outcome) }
        return (model, outcome)
    }

    /// Fading- and ECC-corrected net counts of a role's element, or why there are none.
    func corrected(_ card: CardSignals, _ role: ElementRole, fadingFactor: Double? = nil) -> (value: Double?, lost: Bool) {
        guard let pos = cardType.position(for: role), let e = card.elements[pos.number] else { return (nil, false) }
        switch e {
        case let .measured(s):
            let ecc = card.elementCorrection[pos.number] ?? 1
            return (s.netCounts * ecc / (fadingFactor ?? self.fadingFactor(card).factor), false)
        case .lost: return (nil, true)
        case .absent: return (nil, false)
        }
    }

    /// Per-role reading in units of the S-Cs calibration (Hp(0.07) for the shallow role, Hp(10)
    /// otherwise), before background and non-linearity.
    public func roleDoses(_ card: CardSignals, calibration: ReaderCalibration, fadingFactor: Double? = nil) -> [ElementRole: Double] {
        let factor = fadingFactor ?? self.fadingFactor(card).factor
        var out: [ElementRole: Double] = [:]
        for pos in cardType.elements {
            if let v = corrected(card, pos.role, fadingFactor: factor).value, let k = calibration.countsPerMilliSievert[pos.role], k > 0 {
                out[pos.role] = v / k
            }
        }
        return out
    }

    /// The best photon pattern for a set of element readings (element number → reading, mSv).
    struct PhotonFit {
        var row: ElementResponseTable.Row
        /// Fitted Hp(10), mSv.
        var hp10: Double
        var chiSquare: Double
        /// Largest |reading − prediction|/σ' over the elements, σ' including the pattern tolerance.
        var worstDeviation: Double
        var worstElement: Int
        var elements: [Int]
    }

    /// Resolution of the response table, per unit dose: a characterized response below about this is
    /// indistinguishable from zero (10 cards at 10 mSv, background subtracted from 3 controls).
    static let tableResolution = 0.003

    func sigma(_ reading: Double) -> Double {
        let rel = elementReproducibility * max(reading, 0)
        return (rel * rel + readingNoise.value * readingNoise.value).squareRoot()
    }

    /// Weighted least squares of X_i = H·r_i at every point of the photon grid, then the average over
    /// the grid with weights exp(−(χ² − χ²_min)/2): patterns the readings cannot tell apart share the
    /// result instead of the noise picking one of them (a smooth estimate where the table has large
    /// steps between neighbouring fields, e.g. N-150 → S-Cs or 0° → 60°).
    func fitPhoton(_ readings: [Int: Double]) -> PhotonFit? {
        guard !readings.isEmpty else { return nil }
        // The table's own resolution, in mSv at the scale of this card.
        let floor = Self.tableResolution * max(readings.values.max() ?? 0, 0)
        func sigma(_ x: Double) -> Double { (self.sigma(x) * self.sigma(x) + floor * floor).squareRoot() }
        var fits: [(row: ElementResponseTable.Row, h: Double, chi: Double)] = []
        for row in responses.photonGrid() {
            var sxr = 0.0, srr = 0.0
            for (n, x) in readings {
                let r = row.response[n - 1], s = sigma(x)
                sxr += x * r / (s * s)
                srr += r * r / (s * s)
            }
            guard srr > 0 else { continue }
            let h = sxr / srr
            var chi = 0.0
            for (n, x) in readings {
                let p = h * row.response[n - 1], s = sigma(x)
                chi += (x - p) * (x - p) / (s * s)
            }
            fits.append((row, h, chi))
        }
        guard let best = fits.min(by: { $0.chi < $1.chi }) else { return nil }
        var wSum = 0.0, h = 0.0, g = 0.0, e = 0.0
        var response = [Double](repeating: 0, count: best.row.response.count)
        for f in fits {
            let w = Double.exp(-(f.chi - best.chi) / 2)
            guard w > 1e-6 else { continue }
            wSum += w
            h += w * f.h
            g += w * f.row.hp007PerHp10
            // Energies span 30–1250 keV on a logarithmic grid: average their logarithms, so a little
            // weight on ¹³⁷Cs does not drag an N-150 pattern's energy far up.
            e += w * Double.log(f.row.meanEnergyKiloElectronVolt)
            for i in response.indices { response[i] += w * f.row.response[i] }
        }
        let row = ElementResponseTable.Row(
            field: best.row.field, angleDegrees: best.row.angleDegrees, beta: false, meanEnergyKiloElectronVolt: Double.exp(e / wSum),
            response: response.map { $0 / wSum }, hp007PerHp10: g / wSum)
        let hp10 = h / wSum
        var worst = 0.0, worstN = 0
        for (n, x) in readings {
            let p = hp10 * row.response[n - 1], s = sigma(x)
            let tol = patternTolerance * max(p, 0)
            let z = abs(x - p) / (s * s + tol * tol).squareRoot()
            if z > worst { (worst, worstN) = (z, n) }
        }
        return PhotonFit(row: row, hp10: hp10, chiSquare: best.chi, worstDeviation: worst, worstElement: worstN, elements: readings.keys.sorted())
    }

    /// Hp(10) and Hp(0.07) of a card.
    /// - Parameter backgroundPerDay: natural/transport background (mSv per day since anneal) measured
    ///   with control dosimeters; subtracted from every element. nil = not corrected (flagged).
    public func assess(_ card: CardSignals, calibration: ReaderCalibration, backgroundPerDay: MilliSievert?) -> DoseAssessment {
        assess(card, calibration: calibration, background: backgroundPerDay.map { BackgroundEstimate(knownPerDay: $0) })
    }

    /// Hp(10) and Hp(0.07) of a card.
    /// - Parameter background: the shipment's background from its control dosimeters
    ///   (``background(controls:calibration:)``): its mean rate is subtracted from every element, its
    ///   scatter sets the detection limit. nil = not corrected (flagged).
    public func assess(_ card: CardSignals, calibration: ReaderCalibration, background estimate: BackgroundEstimate?) -> DoseAssessment {
        var flags: [DoseFlag] = []
        var remarks: [String] = []
        let background = (estimate?.perDay.value ?? 0) * card.daysFromAnneal.value
        if estimate == nil { flags.append(.noBackgroundCorrection) }
        let limits = detectionLimit(daysFromAnneal: card.daysFromAnneal, background: estimate, calibration: calibration)
        let dl = limits.limit
        let (fadingFactor, thermal) = self.fadingFactor(card)
        let doses = roleDoses(card, calibration: calibration, fadingFactor: fadingFactor)

        // 1. Readings: S-Cs-calibrated, background subtracted, non-linearity corrected.
        var readings: [Int: Double] = [:]
        var shallowNumber: Int?
        var deepNumbers: [Int] = []
        for pos in cardType.elements {
            if pos.role == .shallow { shallowNumber = pos.number }
            if corrected(card, pos.role, fadingFactor: fadingFactor).lost {
                switch pos.role {
                case .shallow: flags.append(.shallowElementLost)
                case .deep: flags.append(.deepElementLost)
                case .filteredLight, .filteredHeavy, .neutronSensitive, .neutronInsensitive:
                    if !flags.contains(.filteredElementLost) { flags.append(.filteredElementLost) }
                }
            }
            guard let raw = doses[pos.role] else { continue }
            let net = raw - background
            let k = nonLinearity.factor(reading: net)
            if k != 1 && !flags.contains(.nonLinearityCorrected) { flags.append(.nonLinearityCorrected) }
            readings[pos.number] = net * k
            if pos.role != .shallow { deepNumbers.append(pos.number) }
        }
        let deepRole = cardType.position(for: .deep)?.number
        let deep = readings.filter { deepNumbers.contains($0.key) }

        // 2. Photon pattern from the deep and filtered elements; a disagreeing element is left out
        //    when the others then agree with a known pattern.
        var fit = fitPhoton(deep)
        if let f = fit, f.worstDeviation > 3, deep.count >= 3 {
            var candidates: [(Int, PhotonFit)] = []
            for j in deep.keys {
                var rest = deep
                rest[j] = nil
                if let s = shallowNumber, let x = readings[s] { rest[s] = x }
                if let g = fitPhoton(rest), g.worstDeviation <= 3 { candidates.append((j, g)) }
            }
            if let (j, _) = candidates.min(by: { $0.1.chiSquare < $1.1.chiSquare }) {
                var rest = deep
                rest[j] = nil
                let refit = fitPhoton(rest) ?? f
                let predicted = refit.hp10 * refit.row.response[j - 1]
                flags.append(.elementOutOfPattern)
                remarks.append("element \(j) reads \(fmt(predicted > 0 ? (deep[j] ?? 0) / predicted : .nan)) × the pattern of the others (\(refit.row.field) \(Int(refit.row.angleDegrees))°); left out")
                fit = refit
            } else {
                flags.append(.elementOutOfPattern)
                remarks.append("element \(f.worstElement) does not fit the pattern of any reference field (\(fmt(f.worstDeviation)) σ); no element could be left out soundly")
            }
        }
        if let deepRole, deep[deepRole] == nil, fit != nil {
            flags.append(.hp10FromFilteredElements)
            remarks.append("Hp(10) from the filtered elements: the deep element has no reading")
        }
        if let f = fit, f.elements.count == 1 {
            remarks.append("one deep element only: photon energy not determined")
        }
        var hp10 = fit?.hp10
        if let f = fit, f.elements.count == 2, f.worstDeviation > 3 {
            hp10 = nil
            remarks.append("the two remaining elements disagree with every reference field")
        }
        if hp10 == nil { flags.append(.hp10NotAssessable) }

        // 3. Shallow element: photon part from the pattern, the rest is beta.
        var hp007: Double?
        var type: RadiationType = .unknown
        let kBeta = 1 / responses.shallowBetaResponse
        if let s = shallowNumber, let x1 = readings[s] {
            if let f = fit, let h = hp10 {
                let photonShallow = h * f.row.response[s - 1]
                let tol = patternTolerance * max(photonShallow, 0)
                let sd = (sigma(x1) * sigma(x1) + tol * tol).squareRoot()
                let excess = x1 - photonShallow
                if excess > 3 * sd && excess > dl.value {
                    hp007 = max(h, 0) * f.row.hp007PerHp10 + excess * kBeta
                    type = h >= dl.value ? .mixed : .beta
                    flags.append(.betaComponent)
                    remarks.append("beta component: Hp(0.07) \(fmt(excess * kBeta)) mSv above the photon part")
                } else if excess < -3 * sd && photonShallow > dl.value {
                    hp007 = h * f.row.hp007PerHp10
                    type = .photon
                    flags.append(.elementOutOfPattern)
                    remarks.append("element \(s) reads \(fmt(x1 / photonShallow)) × the photon pattern; Hp(0.07) from the deep elements")
                } else {
                    let r1 = f.row.response[s - 1]
                    hp007 = r1 > 0 ? x1 * f.row.hp007PerHp10 / r1 : h * f.row.hp007PerHp10
                    type = h >= dl.value ? .photon : .unknown
                }
            } else {
                hp007 = x1
            }
        } else if let f = fit, let h = hp10 {
            hp007 = h * f.row.hp007PerHp10
            remarks.append("Hp(0.07) from the deep elements: the shallow element has no reading")
            type = .photon
        }
        if hp007 == nil { flags.append(.hp007NotAssessable) }
        if let h = hp10, h < dl.value { flags.append(.belowDetectionLimit) }
        switch thermal {
        case let .estimated(correction, u, celsius, ratio)?:
            remarks.append("thermal history: peaks 2–3/ROI \(fmt(ratio)) after \(Int(card.daysFromAnneal.value.rounded())) days ≈ storage at \(Int(celsius.rounded())) °C; fading × \(fmt(correction)) ± \(fmt(u * 100)) % on the 20 °C model")
        case let .notEstimated(reason)?:
            // Below the detection limit the fading correction does not change what is reported.
            if let h = hp10 ?? hp007, h >= dl.value {
                flags.append(.thermalHistoryNotEstimated)
                remarks.append("thermal history not estimated (\(reason)): 20 °C fading model applied")
            }
        case nil: break
        }
        if let f = fit, type == .photon || type == .mixed {
            remarks.insert("\(type.rawValue), pattern of \(f.row.field) \(Int(f.row.angleDegrees))° (≈ \(Int(f.row.meanEnergyKiloElectronVolt.rounded())) keV)", at: 0)
        } else if type == .beta {
            remarks.insert("beta", at: 0)
        }

        // 4. Uncertainty (k = 1): calibration, element reproducibility, energy/angle response, fading,
        //    and the absolute noise of background and counting.
        let uCal = Self.calibrationUncertainty(calibration)
        let uFading = Self.fadingUncertainty
        let lowEnergy = (fit?.row.meanEnergyKiloElectronVolt ?? 662) < 200
        let uEnergy10 = lowEnergy ? 0.10 : 0.03
        let n = Double(max(fit?.elements.count ?? 1, 1))
        func u(_ value: Double?, _ relEnergy: Double) -> MilliSievert? {
            guard let v = value else { return nil }
            let rel = (uCal * uCal + elementReproducibility * elementReproducibility / n + relEnergy * relEnergy + uFading * uFading).squareRoot()
            return MilliSievert(((rel * v) * (rel * v) + 2 * readingNoise.value * readingNoise.value).squareRoot())
        }
        let uEnergy007 = type == .beta || type == .mixed ? 0.15 : uEnergy10
        let u10 = u(hp10, uEnergy10), u007 = u(hp007, uEnergy007)
        if u10 != nil || u007 != nil {
            // Stored with the dose (its remarks), so the uncertainty stays with the value on record.
            remarks.append("u(Hp(10)) = \(u10.map { fmt($0.value) } ?? "–") mSv, u(Hp(0.07)) = \(u007.map { fmt($0.value) } ?? "–") mSv (k = 1)")
        }

        return DoseAssessment(
            cardID: card.cardID, hp10: hp10.map(MilliSievert.init), hp007: hp007.map(MilliSievert.init),
            hp10Uncertainty: u10, hp007Uncertainty: u007, detectionLimit: dl, detectionLimitBasis: limits.basis, flags: flags,
            remarks: remarks, fadingFactor: fadingFactor, radiationType: type,
            effectiveEnergyKiloElectronVolt: (type == .photon || type == .mixed) ? fit?.row.meanEnergyKiloElectronVolt : nil,
            matchedPattern: fit.map { "\($0.row.field) \(Int($0.row.angleDegrees))°" },
            elementsUsed: (fit?.elements ?? []) + (shallowNumber.flatMap { readings[$0] != nil ? [$0] : nil } ?? []))
    }

    /// Background of a shipment from its control dosimeters (unirradiated cards that travelled with it):
    /// the mean and scatter of their deep-element reading per day since anneal. nil without usable controls.
    public func background(controls: [CardSignals], calibration: ReaderCalibration) -> BackgroundEstimate? {
        let rates = controls.compactMap { c -> Double? in
            guard c.daysFromAnneal.value > 0, let d = roleDoses(c, calibration: calibration)[.deep] else { return nil }
            return d / c.daysFromAnneal.value
        }
        return BackgroundEstimate.from(ratesPerDay: rates)
    }

    /// Mean background dose per day since anneal from control dosimeters (``background(controls:calibration:)``).
    public func backgroundPerDay(controls: [CardSignals], calibration: ReaderCalibration) -> MilliSievert? {
        background(controls: controls, calibration: calibration)?.perDay
    }
}

/// Three significant decimals without Foundation.
func fmt(_ x: Double) -> String {
    let r = (x * 1000).rounded() / 1000
    return "\(r)"
}
