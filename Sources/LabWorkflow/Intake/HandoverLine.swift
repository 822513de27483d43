import LabStore

/// A `handover CARD NAME [ID]` line typed at the intake bench, checked before anything is noted: the
/// name is a name (no digits, no control characters) and a national ID, when given, is a valid
/// `DDMMYY-SSSS` (``NationalIDFormat``). A malformed ID is refused, never kept as part of the name
/// (issue 11, finding 5). Messages never repeat the ID.
///
/// ```swift
/// let line = try HandoverLine.parse(["10000016", "Dorte", "Dahl", "090909-0909"])
/// line.name          // "Dorte Dahl"
/// line.nationalID    // "090909-0909"
/// ```
public struct HandoverLine: Sendable, Hashable {
    public var cardID: String
    public var name: String
    /// The person's national ID as typed (valid), when given.
    public var nationalID: String?

    /// Why a handover line is refused.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Fewer than a card and a name.
        case usage
        /// A national ID but no name before it.
        case missingName
        /// A word meant as the national ID is not a valid one.
        case malformedNationalID(NationalIDFormat.Problem)
        /// A word of the name has digits (and is not a national ID).
        case digitsInName
        /// The line has control characters (ESC, BEL, …).
        case controlCharacters

        public var description: String {
            switch self {
            case .usage: "usage: handover CARD NAME [ID]"
            case .missingName: "handover needs the person's name before the national ID: handover CARD NAME ID"
            case let .malformedNationalID(problem): "handover not noted: \(problem)"
            case .digitsInName: "handover not noted: a name has no digits (give the national ID last, as DDMMYY-SSSS)"
            case .controlCharacters: "handover not noted: the line has control characters"
            }
        }
    }

    /// Parses the words after `handover`.
    public static func parse(_ words: [String]) throws(Problem) -> HandoverLine {
        guard words.count >= 2 else { throw .usage }
        guard !words.joined().unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .controlCharacters
        }
        var nameWords = Array(words.dropFirst())
        var nationalID: String?
        if let last = nameWords.last, last.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) {
            do {
                _ = try NationalIDFormat.digits(of: last)
                nationalID = last
                nameWords.removeLast()
            } catch {
                if NationalIDFormat.looksLikeNationalID(last) { throw .malformedNationalID(error) }
            }
        }
        for word in nameWords where word.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) {
            if NationalIDFormat.looksLikeNationalID(word) {
                // An ID that is not last, or a second one: refuse rather than keep it in the name.
                do { _ = try NationalIDFormat.digits(of: word) } catch { throw .malformedNationalID(error) }
                throw nationalID == nil ? .missingName : .digitsInName
            }
            throw .digitsInName
        }
        guard !nameWords.isEmpty else { throw .missingName }
        return HandoverLine(cardID: words[0], name: nameWords.joined(separator: " "), nationalID: nationalID)
    }
}
