/// The unit of a temperature column.
public enum TemperatureUnit: String, Sendable, Hashable {
    case kelvin
    case celsius
}

/// Line ends may be LF, CRLF or CR.
///
/// Reads two-column (temperature, counts) or three-column (temperature, counts, time in seconds) text
/// such as `temperature_K,intensity` files. Separators: comma, semicolon, tab or spaces. Lines that
/// start with `#` and a first line that is not numeric (a header) are skipped; any other line that
/// does not parse is an error naming the line.
public enum GlowCurveCSV {
    /// Parses `text` into a curve.
    /// - Parameters:
    ///   - unit: the temperature column's unit. When nil, a header naming `_K`/`kelvin` or `_C`/`celsius`
    ///     decides; without such a header the unit must be given.
    ///   - order: what to do with a temperature step that goes backwards.
    public static func parse(
        _ text: String, unit: TemperatureUnit? = nil, order: TemperatureOrderPolicy = .reject
    ) throws(GlowCurveReadError) -> GlowCurve {
        var temps: [Double] = [], counts: [Double] = [], times: [Double] = []
        var headerUnit: TemperatureUnit? = nil
        var lineNumber = 0
        var sawData = false
        // Lines end in LF, CRLF or CR. (In Swift a CRLF pair is one Character, so splitting on "\n"
        // alone would leave a Windows file as one line.)
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" || $0 == " " })
            let numbers = fields.map { Double(String($0)) }
            if numbers.contains(where: { $0 == nil }) || fields.count < 2 {
                if !sawData && temps.isEmpty && headerUnit == nil {
                    let header = line.lowercased()
                    if header.contains("_k") || header.contains("kelvin") || header.contains("(k)") { headerUnit = .kelvin }
                    else if header.contains("_c") || header.contains("celsius") || header.contains("°c") || header.contains("(c)") { headerUnit = .celsius }
                    else { headerUnit = nil }
                    sawData = true // only the first non-comment line may be a header
                    continue
                }
                throw .malformedLine(line: lineNumber, text: String(line.prefix(60)))
            }
            guard let temperature = numbers[0], let count = numbers[1] else {
                throw .malformedLine(line: lineNumber, text: String(line.prefix(60)))
            }
            sawData = true
            temps.append(temperature)
            counts.append(count)
            if fields.count >= 3, let time = numbers[2] { times.append(time) }
        }
        guard !temps.isEmpty else { throw .noData }
        guard let resolved = unit ?? headerUnit else { throw .unitNotStated }
        let kelvin = resolved == .kelvin ? temps : temps.map { $0 + 273.15 }
        do {
            return try GlowCurve(
                counts: counts, temperatureKelvin: kelvin,
                timeSeconds: times.count == temps.count ? times : nil, order: order)
        } catch {
            throw .invalidCurve(error)
        }
    }
}

/// Why a glow-curve file could not be read. Each case says one thing.
public enum GlowCurveReadError: Error, Sendable, Hashable, CustomStringConvertible {
    case noData
    case malformedLine(line: Int, text: String)
    case unitNotStated
    case invalidCurve(GlowCurveError)

    public var description: String {
        switch self {
        case .noData: "the file holds no data rows"
        case let .malformedLine(l, t): "line \(l) is not two or three numbers: \"\(t)\""
        case .unitNotStated: "the temperature unit is neither in the header (_K / _C) nor given"
        case let .invalidCurve(e): "the data do not form a valid glow curve: \(e)"
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
