import Testing
@testable import Instruments

/// The keyboard-wedge decoder: US and DK layouts, Enter/Tab suffix, scans told from typing by speed.
@Suite("Keyboard-wedge key events decoded")
struct KeyboardWedgeDecoderTests {
    /// Key presses and releases for `keys` (code, shift, altGr), one key every `gap`.
    static func events(_ keys: [(UInt16, Bool, Bool)], gap: Duration, start: Duration = .seconds(10)) -> [KeyboardWedgeDecoder.KeyEvent] {
        var out: [KeyboardWedgeDecoder.KeyEvent] = []
        var t = start
        for (code, shift, altGr) in keys {
            if shift { out.append(.init(code: 42, value: 1, time: t)) }
            if altGr { out.append(.init(code: 100, value: 1, time: t)) }
            out.append(.init(code: code, value: 1, time: t))
            out.append(.init(code: code, value: 0, time: t + .milliseconds(1)))
            if altGr { out.append(.init(code: 100, value: 0, time: t + .milliseconds(1))) }
            if shift { out.append(.init(code: 42, value: 0, time: t + .milliseconds(1))) }
            t += gap
        }
        return out
    }

    static func digits(_ text: String) -> [(UInt16, Bool, Bool)] {
        text.map { c in
            let d = UInt16(String(c))!
            return (d == 0 ? 11 : d + 1, false, false)
        }
    }

    static func decode(_ events: [KeyboardWedgeDecoder.KeyEvent], layout: KeyboardLayout = .us) -> [KeyboardWedgeDecoder.Code] {
        var decoder = KeyboardWedgeDecoder(layout: layout)
        return events.compactMap { decoder.feed($0) }
    }

    @Test("a scanner's card number and Enter, 4 ms a key: one scan", arguments: KeyboardLayout.allCases)
    func scan(layout: KeyboardLayout) {
        let codes = Self.decode(Self.events(Self.digits("12345674") + [(28, false, false)], gap: .milliseconds(4)), layout: layout)
        #expect(codes == [.init(text: "12345674", isScan: true, unknownKeys: 0)])
    }

    @Test("Tab and keypad Enter end a code too; keypad digits decode")
    func suffixes() {
        let tab = Self.decode(Self.events(Self.digits("1000") + [(15, false, false)] + [(79, false, false), (82, false, false), (96, false, false)],
                                          gap: .milliseconds(3)))
        #expect(tab.map(\.text) == ["1000", "10"])
    }

    @Test("the same keys mean other characters in DK: Shift+2 is a quote, AltGr+2 an at sign (nothing in US), the US minus key is plus")
    func layouts() {
        let keys: [(UInt16, Bool, Bool)] = [(3, true, false), (3, false, true), (12, false, false), (53, false, false), (39, false, false), (28, false, false)]
        #expect(Self.decode(Self.events(keys, gap: .milliseconds(2)), layout: .us).map(\.text) == ["@-/;"])
        #expect(Self.decode(Self.events(keys, gap: .milliseconds(2)), layout: .dk).map(\.text) == ["\"@+-æ"])
    }

    @Test("typed by a person (150 ms a key) is told from a scan; one slow gap is enough")
    func typing() {
        let typed = Self.decode(Self.events(Self.digits("12345674") + [(28, false, false)], gap: .milliseconds(150)))
        #expect(typed.map(\.isScan) == [false])
        var keys = Self.events(Self.digits("1234") + [(28, false, false)], gap: .milliseconds(5))
        // The third key comes 200 ms late.
        for i in keys.indices where i >= 4 { keys[i].time += .milliseconds(200) }
        #expect(Self.decode(keys).map(\.isScan) == [false])
    }

    @Test("a half-read code is dropped, not joined to the next; Enter alone is no code")
    func partial() {
        var decoder = KeyboardWedgeDecoder()
        for e in Self.events(Self.digits("1234"), gap: .milliseconds(3)) { _ = decoder.feed(e) }
        #expect(decoder.hasPartialCode)
        decoder.discardPartialCode()
        let next = Self.events([(28, false, false)] + Self.digits("00000422") + [(28, false, false)], gap: .milliseconds(3), start: .seconds(20))
        #expect(next.compactMap { decoder.feed($0) }.map(\.text) == ["00000422"])
    }
}
