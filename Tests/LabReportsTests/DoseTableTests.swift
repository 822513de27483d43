import Foundation
import Testing
@testable import LabReports

@Suite struct DoseTableTests {
    let rows = [
        DoseRow(cardID: "10000017", role: "worker", hp10MilliSievert: 1.2346, hp007MilliSievert: 1.3,
                detectionLimitMilliSievert: 0.08, flags: [], remarks: [], state: "evaluated"),
        DoseRow(cardID: "10000025", role: "worker", hp10MilliSievert: 0.01, hp007MilliSievert: nil,
                detectionLimitMilliSievert: 0.08, flags: ["below-detection-limit", "shallow-element-lost"],
                remarks: ["element 1 lost: \"heater fault\", reading cut off"], state: "needs review"),
    ]

    @Test func csvQuotesAndKeepsEmptyForNotAssessable() {
        let csv = DoseTable.render(rows, as: .csv)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "card_id,role,hp10_msv,hp007_msv,detection_limit_msv,state,flags,remarks")
        #expect(lines[1] == "10000017,worker,1.2346,1.3000,0.080,evaluated,,")
        #expect(lines[2] == "10000025,worker,0.0100,,0.080,needs review,below-detection-limit;shallow-element-lost,\"element 1 lost: \"\"heater fault\"\", reading cut off\"")
    }

    @Test func jsonRoundTrips() throws {
        let back = try JSONDecoder().decode([DoseRow].self, from: Data(DoseTable.render(rows, as: .json).utf8))
        #expect(back == rows)
    }

    @Test func tableShowsBelowLimitAndNotAssessable() {
        let t = DoseTable.render(rows, as: .table)
        #expect(t.contains("1.235"))
        #expect(t.contains("<0.08"))
        #expect(t.contains("n/a"))
    }
}
