import Foundation

/// Reads comma-separated values as RFC 4180 defines them (https://www.rfc-editor.org/rfc/rfc4180,
/// section 2): records end with CRLF (a lone LF is accepted too); a field may be enclosed in double
/// quotes, and must be when it holds a comma, a double quote or a line break; a double quote inside
/// such a field is written twice. The text is UTF-8; a leading byte-order mark is skipped.
///
/// Pure: text in, records out, each with the line it starts on (a quoted line break makes a record
/// span several lines). Completely empty lines are skipped.
public enum CSVReader {
    public struct Record: Sendable, Hashable {
        /// 1-based line of the file where the record starts.
        public var line: Int
        public var fields: [String]
    }

    /// A place where the text is not RFC 4180.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Decodes `bytes` as UTF-8 (refusing invalid UTF-8) and reads the records.
    public static func records(utf8 bytes: [UInt8]) throws(SyntaxError) -> [Record] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(bytes: body, encoding: .utf8) else {
            throw SyntaxError(line: firstInvalidUTF8Line(body), reason: "the file is not UTF-8 text (save it as CSV UTF-8)")
        }
        return try records(text: text)
    }

    /// Reads the records of `text`.
    public static func records(text: String) throws(SyntaxError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var afterClosingQuote = false
        var fieldStarted = false  // the record has a character (so an empty line is no record)
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRecord() {
            fields.append(field)
            if fieldStarted || fields.count > 1 { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            fieldStarted = false
            afterClosingQuote = false
        }

        while let c = pending ?? scalars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = scalars.next()
                    if next == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                        afterClosingQuote = true
                        pending = next
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                fieldStarted = true
                afterClosingQuote = false
            case "\r":
                let next = scalars.next()
                guard next == "\n" else {
                    throw SyntaxError(line: line, reason: "a carriage return not followed by a line feed outside quotes")
                }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !afterClosingQuote else {
                    throw SyntaxError(line: line, reason: "a double quote inside a field that is not enclosed in double quotes (write \"\" inside a quoted field)")
                }
                inQuotes = true
                fieldStarted = true
            default:
                guard !afterClosingQuote else {
                    throw SyntaxError(line: line, reason: "text after the closing double quote of a field")
                }
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        if inQuotes { throw SyntaxError(line: recordLine, reason: "a double quote opened on this line is never closed") }
        if fieldStarted || !fields.isEmpty || !field.isEmpty { endRecord() }
        return records
    }

    private static func firstInvalidUTF8Line(_ bytes: ArraySlice<UInt8>) -> Int {
        var line = 1
        var start = bytes.startIndex
        for i in bytes.indices where bytes[i] == 0x0A {
            if String(bytes: bytes[start..<i], encoding: .utf8) == nil { return line }
            line += 1
            start = i + 1
        }
        return line
    }
}
