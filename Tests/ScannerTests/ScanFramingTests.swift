import Testing
@testable import Instruments

@Suite("Suffix splitting, debouncing and the pipeline")
struct ScanFramingTests {
    @Test("each suffix cuts codes, across arbitrary chunking", arguments: ScanSuffix.allCases)
    func suffixes(suffix: ScanSuffix) {
        let stream = Array("12345674".utf8) + suffix.bytes + Array("]C000000000".utf8) + suffix.bytes + Array("99".utf8)
        for chunk in [1, 2, 3, 7, stream.count] {
            var splitter = ScanLineSplitter(suffix: suffix)
            var pieces: [ScanLineSplitter.Piece] = []
            for start in stride(from: 0, to: stream.count, by: chunk) {
                pieces += splitter.feed(stream[start..<min(start + chunk, stream.count)])
            }
            #expect(pieces == [.code(Array("12345674".utf8)), .code(Array("]C000000000".utf8))], "chunk \(chunk)")
        }
    }

    @Test("a CRLF scanner read with a CR setting yields one code per scan, not an extra empty one")
    func neighbouringSuffix() {
        var splitter = ScanLineSplitter(suffix: .cr)
        let pieces = splitter.feed(Array("12345674\r\n00000000\r\n".utf8))
        #expect(pieces == [.code(Array("12345674".utf8)), .code(Array("00000000".utf8))])
    }

    @Test("a stream without suffix is reported once as overlong, then resynchronises")
    func overlong() {
        var splitter = ScanLineSplitter(suffix: .cr, maximumLength: 8)
        let pieces = splitter.feed(Array("0123456789ABCDEF\r12345674\r".utf8))
        #expect(pieces == [.overlong(Array("01234567".utf8)), .code(Array("12345674".utf8))])
    }

    @Test("the same code within the window is dropped; after it, or another code, passes")
    func debouncer() {
        var debouncer = ScanDebouncer(window: .milliseconds(500))
        let t0 = ContinuousClock.now
        let a = Array("12345674".utf8), b = Array("00000000".utf8)
        let admitted = [
            debouncer.admit(a, at: t0),
            debouncer.admit(a, at: t0 + .milliseconds(200)),
            debouncer.admit(b, at: t0 + .milliseconds(250)),
            debouncer.admit(a, at: t0 + .milliseconds(600)),  // window restarts at each reading (200 ms)
            debouncer.admit(a, at: t0 + .milliseconds(1200)),
        ]
        #expect(admitted == [true, false, true, false, true])
    }

    @Test("the pipeline turns a byte stream into events, dropping a double scan")
    func pipeline() throws {
        var pipeline = ScanPipeline(configuration: ScannerConfiguration(suffix: .crlf, debounceWindow: .seconds(1)))
        let t0 = ContinuousClock.now
        var events = pipeline.feed(Array("12345674\r\n12345674\r\n4006381333931\r\n".utf8), at: t0)
        events += pipeline.feed(Array("12345674\r\n".utf8), at: t0 + .seconds(3))
        #expect(events.count == 3)
        #expect(events.first == .card(try #require(CardID("12345674"))))
        guard case .rejected(let raw, .productCode) = events[1] else {
            Issue.record("\(events)")
            return
        }
        #expect(raw == "4006381333931")
        #expect(events.last == .card(try #require(CardID("12345674"))))
    }
}
