import Dosimetry
import Testing
@testable import LabWorkflow

/// The result list says when a released dose rests on fewer elements because one lost its signal at
/// readout: which element, and which quantity is an estimate from the others.
@Suite("Result list remark for an element lost at readout")
struct LostElementRemarkTests {
    @Test("deep, shallow, filtered and combined losses each get their words; a complete readout gets none")
    func remarks() {
        #expect(LostElementRemark.text(flags: []) == nil)
        #expect(LostElementRemark.text(flags: [.betaComponent, .unknown("reviewed")]) == nil)
        #expect(LostElementRemark.text(flags: [.deepElementLost, .hp10FromFilteredElements])
                == "deep element lost at readout: Hp(10) estimated from the filtered elements")
        #expect(LostElementRemark.text(flags: [.shallowElementLost])
                == "shallow element lost at readout: Hp(0.07) estimated from the other elements")
        #expect(LostElementRemark.text(flags: [.shallowElementLost, .hp007NotAssessable])
                == "shallow element lost at readout")
        #expect(LostElementRemark.text(flags: [.filteredElementLost])
                == "filtered element lost at readout: photon energy checked with fewer elements")
        #expect(LostElementRemark.text(flags: [.deepElementLost, .shallowElementLost,
                                               .hp10FromFilteredElements])
                == "deep and shallow elements lost at readout: Hp(10) estimated from the filtered elements; Hp(0.07) estimated from the other elements")
    }
}
