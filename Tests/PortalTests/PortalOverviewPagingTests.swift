import Foundation
import HummingbirdTesting
import LabStore
import Testing
@testable import Portal

/// The enrolment overview of a large customer comes a hundred rows at a time, in Danish order across
/// the pages.
@Suite struct PortalOverviewPagingTests {
    @Test func aLargeCustomersOverviewIsPaged() async throws {
        let fixture = try PortalFixture()
        let start = try CalendarDay(parsing: "2027-01-01")
        for i in 0..<150 {
            let id = String(format: "%02d0185%04d", i % 28 + 1, 1000 + i)
            let w = try fixture.store.addWearer(customerID: "K-1001", name: String(format: "Person %03d", i),
                                                nationalID: try fixture.protector.protect(id), birthDate: nil)
            _ = try fixture.store.enrol(Enrolment(wearerID: w.id!, customerID: "K-1001", dosimeterType: .wholeBody, periodLength: .oneMonth,
                                                  startDate: start, orderedOn: start))
        }
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            let first = try await alice.get("/overview")
            #expect(first.body.components(separatedBy: "<tr><td>TILM-").count - 1 == 100)
            #expect(first.body.contains("1–100 / 151"))
            #expect(first.body.contains(#"href="/overview?page=2""#))
            #expect(first.body.contains("Person 000") && !first.body.contains("Person 100"))
            let second = try await alice.get("/overview?page=2")
            #expect(second.body.components(separatedBy: "<tr><td>TILM-").count - 1 == 51)
            // "Jensen, Mette" sorts after "Person …"? No: J before P, so she is on page 1; page 2 ends with Person 149.
            #expect(second.body.contains("Person 149") && !second.body.contains("Jensen, Mette"))
            #expect(first.body.contains("Jensen, Mette"))
            #expect(try await alice.get("/overview?page=99").body.contains("101–151 / 151"))
            // Rendered pages are kept per language: the same page in English is not the Danish one.
            #expect(first.body.contains("<td>Helkrop</td>"))
            let english = try await alice.get("/overview?lang=en")
            #expect(english.body.contains("<td>Whole body</td>") && !english.body.contains("<td>Helkrop</td>"))
            #expect(english.body.components(separatedBy: "<tr><td>TILM-").count - 1 == 100)
            _ = try await alice.get("/overview?lang=da")
            // Another customer's overview never shows these rows.
            let bob = Browser(client)
            try await bob.signIn("bob")
            let bobs = try await bob.get("/overview")
            #expect(bobs.body.contains("Hansen, Ole") && !bobs.body.contains("Person 000") && !bobs.body.contains("Jensen, Mette"))

            // The overview kept in memory follows changes made behind the portal's back (another
            // program on the same database): a rename moves the wearer, an enrolment ending in the past leaves.
            var mette = try #require(try fixture.store.wearers(customerID: "K-1001").first { $0.name == "Jensen, Mette" })
            mette.name = "Åberg, Mette"
            _ = try fixture.store.updateWearer(mette)
            let renamed = try await alice.get("/overview")
            #expect(!renamed.body.contains("Jensen, Mette") && !renamed.body.contains("Åberg, Mette"))
            #expect(try await alice.get("/overview?page=2").body.contains("Åberg, Mette")) // Å sorts last in Danish
        }
        #expect(try fixture.store.overviewVersion(customerID: "K-1001") > 0)
        #expect(try fixture.store.overviewVersion(customerID: "K-9999") == 0)
    }
}
