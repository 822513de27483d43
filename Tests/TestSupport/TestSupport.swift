import Foundation

/// Paths of the repository and of ../shared, found from this file's location so tests run from any
/// working directory.
public enum RepoPaths {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/TestSupport.swift
        return url
    }()

    /// `../shared/data` beside the checkout (real glow curves from published sources).
    public static let sharedData: URL = root.deletingLastPathComponent().appendingPathComponent("shared/data")

    public static func file(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Reads a text file or fails with a message that names it.
    public static func text(_ url: URL) throws -> String {
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw MissingFixture(path: url.path, underlying: "\(error)")
        }
    }
}

public struct MissingFixture: Error, CustomStringConvertible {
    public init(path: String, underlying: String) { self.path = path; self.underlying = underlying }
    public let path: String
    public let underlying: String
    public var description: String { "test fixture missing or unreadable: \(path) (\(underlying))" }
}

/// Bytes from a hex string ("0a1B ff" → [0x0a, 0x1b, 0xff]); whitespace ignored.
public func bytes(hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }
    var out: [UInt8] = []
    var i = digits.startIndex
    while i < digits.endIndex {
        let j = digits.index(i, offsetBy: 2)
        out.append(UInt8(digits[i..<j], radix: 16) ?? 0)
        i = j
    }
    return out
}

/// A temporary directory removed by `cleanup()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public init(_ label: String = "tld-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    public func cleanup() { try? FileManager.default.removeItem(at: url) }
}
