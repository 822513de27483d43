/// The portal's languages: Danish (the lab's) and English.
public enum PortalLanguage: String, Sendable, Hashable, Codable, CaseIterable {
    case da, en

    /// The first of `da`/`en` named in an `Accept-Language` header, else Danish.
    public static func preferred(acceptLanguage: String?) -> PortalLanguage {
        guard let header = acceptLanguage?.lowercased() else { return .da }
        for part in header.split(separator: ",") {
            let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if tag.hasPrefix("da") { return .da }
            if tag.hasPrefix("en") { return .en }
        }
        return .da
    }
}
