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
        do { return try decoder.decode([ShipmentCard].self, from: data) } catch {
            throw ManifestFileError.invalid(path: path, reason: "\(error)")
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
