import Foundation

/// A JSON file listing the cards expected in a batch, for readouts of a real reader before the lab's
/// issue records exist:
/// ```json
/// [ {"cardID": "10000016", "role": "worker", "annealedAt": "2026-08-20T00:00:00Z"},
///   {"cardID": "90000019", "role": "calibration", "annealedAt": "2026-11-20T00:00:00Z",
///    "deliveredHp10MilliSievert": 2.0, "deliveredHp007MilliSievert": 2.0, "referenceField": "S-Cs"} ]
/// ```
public enum ManifestFile {
    public static func load(path: String) throws -> [ShipmentCard] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ManifestFileError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let cards: [ShipmentCard]
        do { cards = try decoder.decode([ShipmentCard].self, from: data) } catch {
            throw ManifestFileError.invalid(path: path, reason: describe(error))
        }
        // Checked here, before the readout opens a batch.
        do { try ManifestValidation.check(cards) } catch {
            throw ManifestFileError.invalid(path: path, reason: "entry \(error.entry) (card \(ControlCharacters.escaped(String(error.cardID.prefix(64))))): \(error.reason)")
        }
        return cards
    }

    /// A JSON decoding error in one line: where, and what was expected.
    static func describe(_ error: any Error) -> String {
        func at(_ path: [any CodingKey]) -> String {
            guard let first = path.first?.intValue else { return path.isEmpty ? "" : " at " + path.map(\.stringValue).joined(separator: ".") }
            let rest = path.dropFirst().map(\.stringValue).joined(separator: ".")
            return " in entry \(first + 1)" + (rest.isEmpty ? "" : ", field \(rest)")
        }
        switch error as? DecodingError {
        case let .typeMismatch(_, c)?, let .valueNotFound(_, c)?:
            return "a value is missing or of the wrong type\(at(c.codingPath))"
        case let .keyNotFound(key, c)?:
            return "the field \(key.stringValue) is missing\(at(c.codingPath))"
        case let .dataCorrupted(c)?:
            return c.codingPath.isEmpty ? "it is not JSON" : "a value is not valid\(at(c.codingPath)) (\(c.debugDescription))"
        default:
            return "\(error)"
        }
    }
}

public enum ManifestFileError: Error, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)
    public var description: String {
        switch self {
        case let .unreadable(p, r): "cannot read the manifest \(p): \(r)"
        case let .invalid(p, r): "the manifest \(p) is not a valid list of cards: \(r)"
        }
    }
}
