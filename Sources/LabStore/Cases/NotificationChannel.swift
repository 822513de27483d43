/// How a notification went to the authority.
public enum NotificationChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case secureEmail = "secure-email"
    case digitalPost = "digital-post"
    case post
    case phone
    case webForm = "web-form"
}
