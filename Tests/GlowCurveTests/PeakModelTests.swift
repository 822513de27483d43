import PropertyBased
import RealModule
import Testing
@testable import GlowCurve

@Suite struct PeakModelTests {
    static let grid = stride(from: 300.0, through: 650.0, by: 0.25).map { $0 }

    @Test(arguments: PeakModel.allCases)
    func peaksAtTmWithHeightIm(model: PeakModel) throws {
        let shape: Double? = switch model {
        case .generalOrder: 1.5
        case .mixedOrder: 0.4
        case .oneTrapOneRecombinationCentre: 0.2
        default: nil
        }
        let peak = GlowPeak(model: model, maximumIntensity: 1000, activationEnergyElectronVolt: 1.4, maximumTemperatureKelvin: 480, shape: shape)
        let y = try peak.intensities(atKelvin: Self.grid, startKelvin: 300)
        let top = y.indices.max { y[$0] < y[$1] }!
        // I(Tm) = Im by construction; the maximum lies at Tm within the Kitis approximations' error.
        #expect(abs(try peak.intensity(atKelvin: 480, startKelvin: 300) - 1000) < 1e-6)
        #expect(abs(Self.grid[top] - 480) <= 1.0, "maximum at \(Self.grid[top]) K")
        #expect(y[top] < 1000 * 1.01)
    }

    @Test func kitisFirstOrderApproximatesRandallWilkins() throws {
        let exact = GlowPeak(model: .firstOrder, maximumIntensity: 1, activationEnergyElectronVolt: 1.2, maximumTemperatureKelvin: 450)
        var approx = exact
        approx.model = .firstOrderKitis
        let a = try exact.intensities(atKelvin: Self.grid), b = try approx.intensities(atKelvin: Self.grid)
        let worst = zip(a, b).map { abs($0 - $1) }.max()!
        #expect(worst < 0.01, "largest difference \(worst) of the peak height")
    }

    @Test func generalOrderReducesToSecondOrderAtBEqualsTwo() throws {
        let go = GlowPeak(model: .generalOrder, maximumIntensity: 500, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 420, shape: 2)
        let so = GlowPeak(model: .secondOrder, maximumIntensity: 500, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 420)
        for (x, y) in zip(try go.intensities(atKelvin: Self.grid), try so.intensities(atKelvin: Self.grid)) {
            #expect(abs(x - y) <= 1e-9 * 500)
        }
    }

    @Test func generalOrderNearOneApproachesFirstOrder() throws {
        let go = GlowPeak(model: .generalOrder, maximumIntensity: 1, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 420, shape: 1.0001)
        let fo = GlowPeak(model: .firstOrderKitis, maximumIntensity: 1, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 420)
        let worst = zip(try go.intensities(atKelvin: Self.grid), try fo.intensities(atKelvin: Self.grid)).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-3)
    }

    @Test func otorAtSmallRetrappingIsFirstOrderLike() throws {
        let otor = GlowPeak(model: .oneTrapOneRecombinationCentre, maximumIntensity: 1, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 420, shape: 1e-3)
        let fo = GlowPeak(model: .firstOrder, maximumIntensity: 1, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 420)
        let worst = zip(try otor.intensities(atKelvin: Self.grid, startKelvin: 300), try fo.intensities(atKelvin: Self.grid)).map { abs($0 - $1) }.max()!
        #expect(worst < 0.03, "OTOR with R→0 differs from first order by \(worst)")
        // R > 1 uses the W₋₁ branch and still gives a peak at Tm.
        let high = GlowPeak(model: .oneTrapOneRecombinationCentre, maximumIntensity: 1, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 420, shape: 5)
        let y = try high.intensities(atKelvin: Self.grid, startKelvin: 300)
        #expect(y.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(abs(Self.grid[y.indices.max { y[$0] < y[$1] }!] - 420) < 3)
    }

    @Test func outOfDomainParametersAreTypedErrors() {
        #expect(throws: PeakModelError.self) {
            try GlowPeak(model: .generalOrder, maximumIntensity: 1, activationEnergyElectronVolt: 1, maximumTemperatureKelvin: 400, shape: 0.5).intensities(atKelvin: [400])
        }
        #expect(throws: PeakModelError.self) {
            try GlowPeak(model: .firstOrder, maximumIntensity: 1, activationEnergyElectronVolt: -1, maximumTemperatureKelvin: 400).intensities(atKelvin: [400])
        }
        #expect(throws: PeakModelError.self) {
            try GlowPeak(model: .oneTrapOneRecombinationCentre, maximumIntensity: 1, activationEnergyElectronVolt: 1, maximumTemperatureKelvin: 400, shape: 1).intensities(atKelvin: [400])
        }
    }

    /// Property: at any parameters, every model gives finite non-negative values or a typed error.
    @Test func extremeParametersGiveFiniteValuesOrTypedError() async {
        let models = Gen<PeakModel?>.element(of: PeakModel.allCases)
        await propertyCheck(count: 300, input: models, Gen.double(in: 0.01...10), Gen.double(in: 50...2000), Gen.double(in: 0.0001...20), Gen.double(in: 0...1e12)) { model, e, tm, shape, im in
            let peak = GlowPeak(model: model!, maximumIntensity: im, activationEnergyElectronVolt: e, maximumTemperatureKelvin: tm, shape: shape)
            let temps: [Double] = [1.0, 50, 273, tm * 0.5, tm, tm * 1.5, 3000, 1e5]
            do {
                let y = try peak.intensities(atKelvin: temps, startKelvin: 1)
                #expect(y.allSatisfy { $0.isFinite && $0 >= 0 }, "\(model!) E=\(e) Tm=\(tm) shape=\(shape) gave \(y)")
            } catch {
                // A typed error is an acceptable answer.
                #expect(error is PeakModelError, "untyped error \(error)")
            }
        }
    }

    @Test func frequencyFactorFromMaximumCondition() {
        // Pagonis 2022 for GLOCANIN x001: E = 1.183 eV, Tm ≈ 490.5 K → s ≈ 9.8e10 /s at 1 K/s.
        let p = GlowPeak(model: .firstOrder, maximumIntensity: 1, activationEnergyElectronVolt: 1.183, maximumTemperatureKelvin: 490.5)
        let s = p.frequencyFactorPerSecond(heatingRateKelvinPerSecond: 1)
        // The maximum condition βE/(kTm²) = s·e^(−E/kTm) holds exactly…
        let k = boltzmannElectronVoltPerKelvin
        #expect(abs(s * Double.exp(-1.183 / (k * 490.5)) / (1.183 / (k * 490.5 * 490.5)) - 1) < 1e-12)
        // …and s agrees with the published value within its sensitivity to Tm (±1 K ≈ ±12 %).
        #expect(s > 9.8e10 * 0.75 && s < 9.8e10 * 1.25, "s = \(s)")
    }
}

@Suite struct AnalyticDerivativeTests {
    @Test(arguments: [PeakModel.firstOrder, .firstOrderKitis])
    func firstOrderDerivativesMatchCentralDifferences(model: PeakModel) throws {
        let t = stride(from: 350.0, through: 600.0, by: 5).map { $0 }
        let p = GlowPeak(model: model, maximumIntensity: 1, activationEnergyElectronVolt: 1.4, maximumTemperatureKelvin: 480)
        var v = [Double](repeating: 0, count: t.count), dE = v, dTm = v
        let ok = model == .firstOrder
            ? p.accumulateFirstOrderWithDerivatives(value: &v, dE: &dE, dTm: &dTm, temperatures: t)
            : p.accumulateKitisFirstOrderWithDerivatives(value: &v, dE: &dE, dTm: &dTm, temperatures: t)
        #expect(ok)
        let exact = try p.intensities(atKelvin: t)
        func shifted(_ de: Double, _ dt: Double) throws -> [Double] {
            try GlowPeak(model: model, maximumIntensity: 1, activationEnergyElectronVolt: 1.4 + de, maximumTemperatureKelvin: 480 + dt).intensities(atKelvin: t)
        }
        let hE = 1e-6, hT = 1e-4
        let ePlus = try shifted(hE, 0), eMinus = try shifted(-hE, 0), tPlus = try shifted(0, hT), tMinus = try shifted(0, -hT)
        let scaleE = dE.map(abs).max()!, scaleT = dTm.map(abs).max()!
        for i in t.indices {
            #expect(abs(v[i] - exact[i]) < 1e-12)
            #expect(abs(dE[i] - (ePlus[i] - eMinus[i]) / (2 * hE)) < 1e-5 * scaleE)
            #expect(abs(dTm[i] - (tPlus[i] - tMinus[i]) / (2 * hT)) < 1e-5 * scaleT)
        }
    }
}

@Suite struct GeneralOrderDerivativeTests {
    /// The fitter's analytic Jacobian of the general order (E, Tm, b) against central differences of
    /// the model itself, across orders near 1, mid and high, and where Δ changes sign.
    @Test(arguments: [1.02, 1.3, 1.9, 2.5])
    func generalOrderDerivativesMatchCentralDifferences(order b: Double) throws {
        let t = stride(from: 330.0, through: 620.0, by: 2.5).map { $0 }
        let (e0, tm0) = (1.25, 470.0)
        let p = GlowPeak(model: .generalOrder, maximumIntensity: 1, activationEnergyElectronVolt: e0, maximumTemperatureKelvin: tm0, shape: b)
        var v = [Double](repeating: 0, count: t.count), dE = v, dTm = v, dB = v
        #expect(p.accumulateGeneralOrderWithDerivatives(value: &v, dE: &dE, dTm: &dTm, dB: &dB, temperatures: t))
        let exact = try p.intensities(atKelvin: t)
        func shifted(_ de: Double, _ dt: Double, _ db: Double) throws -> [Double] {
            try GlowPeak(model: .generalOrder, maximumIntensity: 1, activationEnergyElectronVolt: e0 + de,
                         maximumTemperatureKelvin: tm0 + dt, shape: b + db).intensities(atKelvin: t)
        }
        let hE = 1e-6, hT = 1e-4, hB = 1e-6
        let ePlus = try shifted(hE, 0, 0), eMinus = try shifted(-hE, 0, 0)
        let tPlus = try shifted(0, hT, 0), tMinus = try shifted(0, -hT, 0)
        let bPlus = try shifted(0, 0, hB), bMinus = try shifted(0, 0, -hB)
        let scaleE = try #require(dE.map(abs).max()), scaleT = try #require(dTm.map(abs).max()), scaleB = try #require(dB.map(abs).max())
        #expect(scaleE > 0 && scaleT > 0 && scaleB > 0)
        for i in t.indices {
            // The value is the model's own, bit for bit (the cost and the Jacobian see the same curve).
            #expect(v[i] == exact[i])
            #expect(abs(dE[i] - (ePlus[i] - eMinus[i]) / (2 * hE)) < 1e-5 * scaleE, "E at \(t[i]) K")
            #expect(abs(dTm[i] - (tPlus[i] - tMinus[i]) / (2 * hT)) < 1e-5 * scaleT, "Tm at \(t[i]) K")
            #expect(abs(dB[i] - (bPlus[i] - bMinus[i]) / (2 * hB)) < 1e-5 * scaleB, "b at \(t[i]) K")
        }
    }
}
