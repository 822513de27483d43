import Testing
@testable import Instruments

@Suite("Scan classification")
struct ScanClassifierTests {
    let classifier = ScanClassifier()

    func classify(_ text: String, aim: AIMSymbologyIdentifier? = nil, _ configuration: ScannerConfiguration = .init()) -> ScanEvent {
        ScanClassifier(configuration: configuration).classify(Array(text.utf8), symbology: aim)
    }

    @Test("a valid card id, bare, with an AIM prefix, or with spaces around")
    func cards() throws {
        #expect(classify("12345674") == .card(try #require(CardID("12345674"))))
        #expect(classify("]C012345674") == .card(try #require(CardID("12345674"))))
        #expect(classify(" 12345674 ") == .card(try #require(CardID("12345674"))))
        #expect(classify("12345674", aim: AIMSymbologyIdentifier(code: "I", modifier: "0")) == .card(try #require(CardID("12345674"))))
    }

    @Test("foreign codes are rejected with a reason an operator understands", arguments: [
        ("4006381333931", "product bar code (EAN-13)"),          // EAN-13 of a product (valid GS1 check digit)
        ("]E04006381333931", "product bar code (EAN/UPC)"),
        ("036000291452", "product bar code (UPC-A)"),            // UPC-A, GS1 check digit 2
        ("]Q1https://example.com/manual", "web address"),
        ("www.example.com", "web address"),
        ("12345670", "check digit is 0, expected 4"),
        ("1234567", "7 digits, but card ids have 8"),
        ("LOT-2024-17", "not a card number"),
        ("", "empty scan"),
    ])
    func rejections(text: String, expected: String) {
        guard case .rejected(_, let reason) = classify(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect("\(reason)".contains(expected), "\(reason)")
    }

    @Test("control bytes and invalid UTF-8 are unreadable, shown as hex")
    func unreadable() {
        let event = classifier.classify([0x31, 0x32, 0x00, 0x33])
        #expect(event == .rejected(raw: "12<0x00>3", reason: .unreadable(detail: "control character 0x00")))
        let invalid = classifier.classify([0x31, 0xFF, 0x32])
        #expect(invalid == .rejected(raw: "1<0xFF>2", reason: .unreadable(detail: "not valid UTF-8")))
    }

    @Test("a scanner configured to send AIM ids must send one")
    func missingAIM() {
        let configuration = ScannerConfiguration(expectsSymbologyIdentifier: true)
        #expect(classify("12345674", configuration) == .rejected(raw: "12345674", reason: .missingSymbologyIdentifier))
        if case .card = classify("]C012345674", configuration) {} else { Issue.record("AIM-prefixed card rejected") }
    }

    @Test("symbologies outside the accepted set are rejected, naming the symbology")
    func acceptedSymbologies() {
        let configuration = ScannerConfiguration(acceptedSymbologies: ["C"])
        let event = classify("]d012345674", configuration)
        guard case .rejected(let raw, .symbologyNotAccepted(let aim)) = event else {
            Issue.record("\(event)")
            return
        }
        #expect(raw == "]d012345674")
        #expect(aim.symbologyName == "Data Matrix")
    }

    @Test("GS1 check digit: EAN-13 4006381333931 and UPC-A 036000291452")
    func gs1() {
        #expect(ScanClassifier.gs1CheckDigit([4, 0, 0, 6, 3, 8, 1, 3, 3, 3, 9, 3]) == 1)
        #expect(ScanClassifier.gs1CheckDigit([0, 3, 6, 0, 0, 0, 2, 9, 1, 4, 5]) == 2)
        #expect(ScanClassifier.retailProductName("4006381333932") == nil)  // wrong check digit: not a product
    }

    @Test("AIM identifiers parse only as ] + two alphanumerics")
    func aimParsing() {
        #expect(AIMSymbologyIdentifier(bytes: Array("]C0".utf8)) == AIMSymbologyIdentifier(code: "C", modifier: "0"))
        #expect(AIMSymbologyIdentifier(bytes: Array("]C".utf8)) == nil)
        #expect(AIMSymbologyIdentifier(bytes: Array("[C0".utf8)) == nil)
        #expect(AIMSymbologyIdentifier(bytes: [0, 0, 0]) == nil)
        #expect(AIMSymbologyIdentifier(code: "E", modifier: "4").symbologyName == "EAN-8")
    }
}
