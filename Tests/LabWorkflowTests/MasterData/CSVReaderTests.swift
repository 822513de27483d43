import TLSimulator
import Testing
@testable import LabWorkflow

@Suite("CSV reading as RFC 4180")
struct CSVReaderTests {
    @Test("quoted commas, doubled quotes, line breaks inside quotes, CRLF, a BOM and Danish letters")
    func quoting() throws {
        let text = "\u{FEFF}a,b,c\r\n\"Ørum, Søren\",\"Tandklinikken \"\"Smil\"\" ApS\",\"Ågade 1\r\n2100 København Ø\"\r\n\r\nx,,\r\n"
        let records = try CSVReader.records(utf8: Array(text.utf8))
        #expect(records.map(\.fields) == [
            ["a", "b", "c"],
            ["Ørum, Søren", "Tandklinikken \"Smil\" ApS", "Ågade 1\r\n2100 København Ø"],
            ["x", "", ""],
        ])
        // The record after the two-line field starts on line 5 (line 4 is empty and skipped).
        #expect(records.map(\.line) == [1, 2, 5])
    }

    @Test("LF line ends and a last line without a line end")
    func lineFeeds() throws {
        let records = try CSVReader.records(text: "a,b\n1,2\n3,\"4\"")
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test("syntax errors name their line", arguments: [
        ("a,b\r\n1,\"open\r\n2,3\r\n", 2, "never closed"),
        ("a,b\r\n1,x\"y\r\n", 2, "not enclosed"),
        ("a,b\r\n1,2\r\n\"q\"z,3\r\n", 3, "after the closing"),
        ("a,b\r\n1,2\r3,4\r\n", 2, "carriage return"),
    ])
    func syntaxErrors(text: String, line: Int, reason: String) {
        #expect {
            _ = try CSVReader.records(text: text)
        } throws: { error in
            guard let e = error as? CSVReader.SyntaxError else { return false }
            return e.line == line && e.reason.contains(reason)
        }
    }

    @Test("bytes that are not UTF-8 are refused with their line")
    func notUTF8() {
        let bytes: [UInt8] = Array("a,b\r\n1,2\r\n".utf8) + [0x4B, 0xF8, 0x67, 0x65, 0x0D, 0x0A]  // "Køge" in Latin-1
        #expect {
            _ = try CSVReader.records(utf8: bytes)
        } throws: { error in
            (error as? CSVReader.SyntaxError)?.line == 3
        }
    }

    @Test("round trip: any fields, quoted as RFC 4180 says, read back the same (seeded random records)")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 4180)  // the simulator's generator: a failing case can be run again
        let alphabet: [String] = ["a", "Z", "7", " ", ",", "\"", "\r\n", "\n", "æ", "Ø", "å", "é", ";", "'"]
        func quoted(_ f: String) -> String {
            f.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }
        var records: [[String]] = []
        for _ in 0..<300 {
            let count = 2 + Int(rng.next() % 5)
            records.append((0..<count).map { _ in
                (0..<Int(rng.next() % 8)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            })
        }
        let text = records.map { $0.map(quoted).joined(separator: ",") + "\r\n" }.joined()
        #expect(try CSVReader.records(text: text).map(\.fields) == records)
    }
}
