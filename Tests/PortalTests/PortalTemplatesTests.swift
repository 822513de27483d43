import Foundation
import Mustache
import Testing
@testable import Portal

/// The per-language templates (fixed texts put in once, at start-up) render exactly what the
/// templates with `{{t.key}}` looked up on every page render.
@Suite struct PortalTemplatesTests {
    @Test func localizedTemplatesRenderAsTheLookedUpOnes() throws {
        let library = try PortalTemplates.library()
        let someData: [String: Any] = [
            "signedIn": true, "isCustomer": true, "isLab": true, "hasError": true, "error": "x < y", "hasErrors": true,
            "hasEnrolments": true, "hasPages": true, "hasPrevious": true, "hasNext": true, "hasSubmissions": true,
            "submissions": [["id": 1, "kind": "k", "state": "s", "detail": "d"]], "hasLimit": true, "limitText": "wait",
            "groups": [["legend": "L", "fields": [["name": "f", "label": "F", "value": "v & w", "hasError": true,
                                                      "error": "E", "isSelect": true, "options": [["value": "o", "label": "O"]]]]]],
            "hasResults": true, "results": [["month": "2027-01"]], "hasRows": true,
        ]
        for name in PortalTemplates.all.keys.sorted() {
            for language in PortalLanguage.allCases {
                var values = someData
                values["t"] = PortalTexts.all(language)
                let looked = try #require(library.render(values, withTemplate: name))
                let localized = try #require(library.render(values, withTemplate: name + "." + language.rawValue))
                #expect(looked == localized, "\(name).\(language.rawValue)")
            }
        }
        // Texts are escaped as mustache escapes them.
        #expect(PortalTemplates.escaped(#"<a href="x">Ø & 'y'</a>"#) == "&lt;a href=&quot;x&quot;&gt;Ø &amp; &#39;y&#39;&lt;/a&gt;")
        #expect(PortalTemplates.localized("{{t.overview}} {{t.noSuchKey}}", .en) == "Overview {{t.noSuchKey}}")
    }
}
