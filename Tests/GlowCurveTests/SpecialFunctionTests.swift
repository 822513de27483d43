import RealModule
import Testing
@testable import GlowCurve

/// Tabulated values: Abramowitz & Stegun, Handbook of Mathematical Functions (1964), Table 5.1
/// (E₁ and Ei), cross-checked with SciPy 1.17 `exp1`, `expi`, `lambertw`, `wrightomega`; the omega
/// constant W(1) = 0.5671432904097838 (Corless et al. 1996).
@Suite struct SpecialFunctionTests {
    @Test(arguments: [
        (0.01, 4.037929576538113), (0.5, 0.5597735947761608), (1.0, 0.2193839343955205),
        (2.0, 0.048900510708061125), (5.0, 0.0011482955912753257), (10.0, 4.156968929685325e-06),
        (30.0, 3.021552010688813e-15), (50.0, 3.783264029550459e-24), (100.0, 3.683597761682032e-46),
    ])
    func e1MatchesTable(x: Double, expected: Double) {
        #expect(abs(ExponentialIntegral.e1(x) - expected) <= 1e-13 * expected)
    }

    @Test(arguments: [
        (-5.0, -0.0011482955912753257), (-1.0, -0.2193839343955205), (0.5, 0.45421990486317354),
        (1.0, 1.895117816355937), (2.0, 4.954234356001891), (10.0, 2492.2289762418773), (50.0, 1.058563689713169e+20),
    ])
    func eiMatchesTable(x: Double, expected: Double) {
        #expect(abs(ExponentialIntegral.ei(x) - expected) <= 1e-12 * abs(expected))
    }

    /// 1 − x·eˣE₁(x) on both sides of the switch to the asymptotic series (SciPy values).
    @Test(arguments: [(30.0, 0.03130783723059616), (36.0, 0.026350586393126485), (40.0, 0.023835396814857024), (80.0, 0.012198666905711253)])
    func oneMinusScaledE1MatchesReference(x: Double, expected: Double) {
        #expect(abs(ExponentialIntegral.oneMinusXScaledE1(x) - expected) < 1e-11 * expected)
    }

    @Test func scaledFormsAgreeAndStayFinite() {
        for x in [1.5, 7.0, 40.0, 60.0, 300.0, 1e4] {
            let oneMinus = ExponentialIntegral.oneMinusXScaledE1(x)
            // asymptotically 1/x − 2/x²
            #expect(oneMinus > 0 && oneMinus < 1 / x)
            if x >= 40 { #expect(abs(oneMinus - (1 / x - 2 / (x * x))) < 7 / (x * x * x)) }
        }
        #expect(ExponentialIntegral.scaledE1(1e6).isFinite)
        #expect(ExponentialIntegral.e1(-1).isNaN)
    }

    @Test(arguments: [
        (-0.3, -0.4894022271802149), (-0.1, -0.11183255915896297), (0.1, 0.09127652716086226),
        (1.0, 0.5671432904097838), (2.718281828459045, 1.0), (10.0, 1.7455280027406994), (1e6, 11.383358086140053),
    ])
    func w0MatchesTable(x: Double, expected: Double) {
        #expect(abs(LambertW.w0(x) - expected) <= 1e-14 * max(1, abs(expected)))
    }

    @Test(arguments: [(-0.3, -1.7813370234216275), (-0.1, -3.577152063957297), (-1e-5, -14.163600815810183)])
    func wm1MatchesTable(x: Double, expected: Double) {
        #expect(abs(LambertW.wm1(x) - expected) <= 1e-13 * abs(expected))
    }

    @Test func branchPointAndDomain() {
        #expect(abs(LambertW.w0(LambertW.branchPoint) + 1) < 1e-7)
        #expect(abs(LambertW.wm1(LambertW.branchPoint) + 1) < 1e-7)
        #expect(LambertW.w0(-1).isNaN)
        #expect(LambertW.wm1(0.5).isNaN)
    }

    @Test(arguments: [(-10.0, 4.539786874921544e-05), (0.0, 0.5671432904097838), (1.0, 1.0), (10.0, 7.9294200950196965), (1000.0, 993.0991694723892)])
    func wrightOmegaMatchesTable(z: Double, expected: Double) {
        #expect(abs(LambertW.wrightOmega(z) - expected) <= 1e-13 * max(1, abs(expected)))
    }

    @Test func lowerBranchOfTinyArgumentWithoutUnderflow() {
        // W₋₁(−e^(−z)) = −v with v − ln v = z; at z = 800, e^(−z) underflows but v does not.
        let w = LambertW.wm1OfMinusExpMinus(800)
        let v = -w
        #expect(abs(v - Double.log(v) - 800) < 1e-9)
        #expect(abs(LambertW.wm1OfMinusExpMinus(5) - LambertW.wm1(-Double.exp(-5))) < 1e-12)
    }
}
