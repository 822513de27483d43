/// Text from outside (a scanner, a keyboard, a file) shown on the operator's terminal with its control
/// characters made visible: an ESC or BEL in a scanned code must not recolour, clear or ring the
/// terminal (issue 11, finding 8). C0 and C1 controls and DEL become `\u{1B}`-style escapes; a
/// backslash is shown as it is.
public enum ControlCharacters {
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
