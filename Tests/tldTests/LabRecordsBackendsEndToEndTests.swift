import Foundation
import TestSupport
import Testing

/// The commands that need only the lab-records role (with master data and the national-ID key) on a
/// SQLite file and on PostgreSQL (issue 15): `tld customer`, `tld cards`, `tld zero`, `tld wearer`,
/// `tld enrolment` and `tld unenrol`, with the same answers on both backends.
@Suite("tld customer, cards and zero on SQLite and PostgreSQL, end to end", .serialized)
struct LabRecordsBackendsEndToEndTests {
    /// The outputs of one run of the commands, in order (status, stdout, stderr), for comparing backends.
    func run(database: String, in dir: TemporaryDirectory) async throws -> [String] {
        let tld = try ProductRunner(product: "tld")
        var outputs: [String] = []
        func step(_ arguments: [String], status: Int32 = 0) async throws {
            let r = try await tld.run(arguments + ["--database", database], in: dir.url)
            #expect(r.status == status, "tld \(arguments.joined(separator: " ")): \(r.stderr)")
            outputs.append("\(r.status)\n\(r.stdout)\n\(r.stderr)")
        }
        try await step(["customer", "add", "--name", "Region Nord", "--delivery-address", "Vej 1"])
        try await step(["customer", "add", "--number", "K-2040", "--name", "Hospital", "--delivery-address", "Vej 2"])
        try await step(["customer", "list", "--format", "csv"])
        try await step(["customer", "show", "K-1001", "--format", "csv"])
        try await step(["cards", "add", "--type", "whole-body", "--elements", "4", "--range", "10000016-10000057"])
        // Added again: kept as they are.
        try await step(["cards", "add", "--type", "finger", "--elements", "2", "10000016", "10000065"])
        try await step(["cards", "retire", "10000024", "--why", "cracked holder"])
        try await step(["cards", "list", "--state", "retired", "--format", "csv"])
        // Zeroing a card that is in stock, not annealed: refused with its state, nothing zeroed.
        try await step(["zero", "10000016"], status: 65)
        try await step(["cards", "list", "--state", "available", "--format", "csv"])
        // Wearers and enrolments (master data through the lab-records role), steps 10–15.
        try await step(["wearer", "add", "--customer", "K-1001", "--name", "Jensen, Mette", "--national-id", "150385-1234", "--key-file", "lab.key"])
        try await step(["enrolment", "add", "--wearer", "1", "--type", "whole-body", "--period", "1m", "--change-day", "1",
                        "--start", "2027-02-01", "--ordered", "2027-01-05"])
        try await step(["unenrol", "TILM-00000001", "--name", "Jensen, Mette", "--on", "2027-03-31", "--received", "2027-01-10"])
        try await step(["enrolment", "list", "--format", "csv"])
        try await step(["wearer", "show", "1", "--key-file", "lab.key"])
        try await step(["wearer", "change", "1", "--name", "Jensen-Berg, Mette", "--key-file", "lab.key"])
        return outputs.map { $0.replacingOccurrences(of: database, with: "DATABASE") }
    }

    /// The `since` column (the time a card entered its state) differs between runs: left out.
    static func withoutTimes(_ output: String) -> String {
        output.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "TIME", options: .regularExpression)
    }

    @Test("on PostgreSQL the commands answer as on a SQLite file; the rows are in PostgreSQL",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func sameAnswers() async throws {
        let dir = try TemporaryDirectory("tld-records-backends")
        defer { dir.cleanup() }
        let sqlite = try await run(database: "lab.sqlite", in: dir)
        let lab = try await PostgresTestLab.create()
        let postgres = try await run(database: lab.url, in: dir)
        #expect(postgres.map(Self.withoutTimes) == sqlite.map(Self.withoutTimes))
        #expect(sqlite[2].contains("K-1001,Region Nord") && sqlite[2].contains("K-2040,Hospital"), "\(sqlite[2])")
        #expect(sqlite[4].contains("5 whole-body card(s) with 4 element(s) added"), "\(sqlite[4])")
        #expect(sqlite[5].contains("1 finger card(s) with 2 element(s) added to the stock; 1 already known"), "\(sqlite[5])")
        #expect(sqlite[8].contains("card 10000016: it is available, not annealed"), "\(sqlite[8])")
        #expect(try await lab.int("SELECT count(*) FROM card") == 6)
        #expect(try await lab.int("SELECT count(*) FROM cardElement") == 22)
        #expect(try await lab.int("SELECT count(*) FROM cardRetirement") == 1)
        #expect(try await lab.int("SELECT count(*) FROM customer") == 2)
        #expect(sqlite[10].contains("wearer 1 Jensen, Mette of K-1001 added (national ID 1503******"), "\(sqlite[10])")
        #expect(sqlite[12].contains("the enrolment ends 2027-03-31"), "\(sqlite[12])")
        #expect(sqlite[13].contains("TILM-00000001,K-1001,1,"), "\(sqlite[13])")
        #expect(!sqlite[14].contains("150385"), "the national ID is shown masked: \(sqlite[14])")
        #expect(try await lab.lines("SELECT number || '|' || endDate FROM enrolment") == ["TILM-00000001|2027-03-31"])
        #expect(try await lab.lines("SELECT name FROM wearer") == ["Jensen-Berg, Mette"])
    }
}
