import Foundation
import Testing
@testable import GlowCurve

/// Locates ../shared/data/ relative to the package root and reads curves from it. A missing file
/// fails the test with a clear message (it is never skipped).
enum TestData {
    static let packageRoot: URL = {
        // Tests/GlowCurveTests/TestData.swift → package root
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()
    static var sharedData: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data") }

    static func curve(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> GlowCurve {
        let url = sharedData.appendingPathComponent(relativePath)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("test data file missing: \(url.path) (expected ../shared/data/ next to the package root)", sourceLocation: sourceLocation)
            throw MissingData(path: url.path)
        }
        return try GlowCurveCSV.parse(text, order: .reject)
    }

    struct MissingData: Error { let path: String }
}
