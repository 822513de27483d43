/// Risø BIN/BINX files (format versions 3–8): a pure codec over bytes, no Foundation.
///
/// Each record is a header followed by NPOINTS little-endian `u32` counts. The header is a fixed
/// sequence of fields per version (``RisoeBINX/layout(version:)``), taken from the Risø *Analyst*
/// manual's appendix as implemented by R Luminescence's `read_BIN2R()` and `write_R2BIN()` (Kreutzer
/// et al., R-Lum/Luminescence, R/write_R2BIN.R, function version 0.5.2); the field table is written
/// out in docs/binx.md. Strings are a length byte and a fixed-size field. Header sizes: 272 bytes
/// (v3, v4), 423 (v5), 447 (v6, v7), 507 (v8). ROI definitions of v8 (record type 128) are refused.
///
/// Every field is kept (reserved bytes too), so a file read and written again is byte-identical;
/// LENGTH, PREVIOUS and NPOINTS are recomputed on writing.
public enum RisoeBINX {
    /// The kind of one header field.
    public enum FieldKind: Sendable, Hashable {
        case u8, i16, u16, i32, u32, f32
        /// A length byte and a field of `capacity` bytes.
        case text(capacity: Int)
        case reserved(Int)

        var size: Int {
            switch self {
            case .u8: 1
            case .i16, .u16: 2
            case .i32, .u32, .f32: 4
            case let .text(c): 1 + c
            case let .reserved(n): n
            }
        }
    }

    public struct Field: Sendable, Hashable {
        public var name: String
        public var kind: FieldKind
    }

    /// The header fields of `version`, in file order (VERSION and the byte after it included).
    public static func layout(version: UInt8) -> [Field]? {
        func f(_ name: String, _ kind: FieldKind) -> Field { Field(name: name, kind: kind) }
        switch version {
        case 3, 4:
            var l = [
                f("VERSION", .u8), f("STEPPING", .u8), f("LENGTH", .u16), f("PREVIOUS", .u16), f("NPOINTS", .u16),
                f("LTYPE", .u8), f("LOW", .f32), f("HIGH", .f32), f("RATE", .f32),
                f("TEMPERATURE", .i16), f("XCOORD", .i16), f("YCOORD", .i16), f("TOLDELAY", .i16), f("TOLON", .i16), f("TOLOFF", .i16),
                f("POSITION", .u8), f("RUN", .u8), f("TIME", .text(capacity: 6)), f("DATE", .text(capacity: 6)),
                f("SEQUENCE", .text(capacity: 8)), f("USER", .text(capacity: 8)), f("DTYPE", .u8), f("IRR_TIME", .f32),
                f("IRR_TYPE", .u8), f("IRR_UNIT", .u8), f("BL_TIME", .f32), f("BL_UNIT", .u8),
                f("AN_TEMP", .f32), f("AN_TIME", .f32), f("NORM1", .f32), f("NORM2", .f32), f("NORM3", .f32), f("BG", .f32),
                f("SHIFT", .i16), f("SAMPLE", .text(capacity: 20)), f("COMMENT", .text(capacity: 80)),
                f("LIGHTSOURCE", .u8), f("SET", .u8), f("TAG", .u8), f("GRAIN", .i16), f("LPOWER", .f32), f("SYSTEMID", .i16),
            ]
            if version == 3 {
                l += [f("RESERVED1", .reserved(36)), f("ONTIME", .i32), f("OFFTIME", .i32), f("GATE_ENABLED", .u8),
                      f("GATE_START", .i32), f("GATE_STOP", .i32), f("RESERVED2", .reserved(1))]
            } else {
                l += [f("RESERVED1", .reserved(20)), f("CURVENO", .i16), f("TIMETICK", .f32), f("ONTIME", .i32),
                      f("STIMPERIOD", .i32), f("GATE_ENABLED", .u8), f("GATE_START", .i32), f("GATE_STOP", .i32),
                      f("PTENABLED", .u8), f("RESERVED2", .reserved(10))]
            }
            return l
        case 5, 6, 7, 8:
            var l = [f("VERSION", .u8), f("STEPPING", .u8), f("LENGTH", .u32), f("PREVIOUS", .u32), f("NPOINTS", .u32)]
            if version == 8 { l.append(f("RECTYPE", .u8)) }
            l += [
                f("RUN", .i16), f("SET", .i16), f("POSITION", .i16), f("GRAINNUMBER", .i16), f("CURVENO", .i16),
                f("XCOORD", .i16), f("YCOORD", .i16), f("SAMPLE", .text(capacity: 20)), f("COMMENT", .text(capacity: 80)),
                f("SYSTEMID", .i16), f("FNAME", .text(capacity: 100)), f("USER", .text(capacity: 30)),
                f("TIME", .text(capacity: 6)), f("DATE", .text(capacity: 6)),
                f("DTYPE", .u8), f("BL_TIME", .f32), f("BL_UNIT", .u8),
                f("NORM1", .f32), f("NORM2", .f32), f("NORM3", .f32), f("BG", .f32), f("SHIFT", .i16), f("TAG", .u8),
                f("RESERVED1", .reserved(20)),
                f("LTYPE", .u8), f("LIGHTSOURCE", .u8), f("LIGHTPOWER", .f32), f("LOW", .f32), f("HIGH", .f32), f("RATE", .f32),
                f("TEMPERATURE", .i16), f("MEASTEMP", .i16), f("AN_TEMP", .f32), f("AN_TIME", .f32),
                f("TOLDELAY", .i16), f("TOLON", .i16), f("TOLOFF", .i16), f("IRR_TIME", .f32), f("IRR_TYPE", .u8),
                f("IRR_DOSERATE", .f32),
            ]
            if version >= 6 { l.append(f("IRR_DOSERATEERR", .f32)) }
            l += [
                f("TIMESINCEIRR", .i32), f("TIMETICK", .f32), f("ONTIME", .i32), f("STIMPERIOD", .i32),
                f("GATE_ENABLED", .u8), f("GATE_START", .i32), f("GATE_STOP", .i32), f("PTENABLED", .u8), f("DTENABLED", .u8),
                f("DEADTIME", .f32), f("MAXLPOWER", .f32), f("XRF_ACQTIME", .f32), f("XRF_HV", .f32), f("XRF_CURR", .i32),
                f("XRF_DEADTIMEF", .f32),
            ]
            switch version {
            case 5: l.append(f("RESERVED2", .reserved(4)))
            case 6: l.append(f("RESERVED2", .reserved(24)))
            default:
                l += [f("DETECTOR_ID", .u8), f("LOWERFILTER_ID", .i16), f("UPPERFILTER_ID", .i16), f("ENOISEFACTOR", .f32)]
                if version == 7 {
                    l.append(f("RESERVED2", .reserved(15)))
                } else {
                    l += ["MARKPOS_X1", "MARKPOS_Y1", "MARKPOS_X2", "MARKPOS_Y2", "MARKPOS_X3", "MARKPOS_Y3", "EXTR_START", "EXTR_END"].map { f($0, .f32) }
                    l.append(f("RESERVED2", .reserved(42)))
                }
            }
            return l
        default:
            return nil
        }
    }

    /// Header size in bytes of `version`.
    public static func headerSize(version: UInt8) -> Int? { layout(version: version).map { $0.reduce(0) { $0 + $1.kind.size } } }

    /// One header value.
    public enum Value: Sendable, Hashable {
        case integer(Int64)
        case real(Float)
        case text(String)
        case bytes([UInt8])
    }

    /// LTYPE values (Analyst manual): 0 TL, 1 OSL, 2 IRSL, …
    public static let thermoluminescence: Int64 = 0

    /// One record: its version, every header field by name, and the counts.
    public struct Record: Sendable, Hashable {
        public var version: UInt8
        public var fields: [String: Value]
        public var counts: [UInt32]

        public init(version: UInt8, fields: [String: Value] = [:], counts: [UInt32]) {
            self.version = version
            self.fields = fields
            self.counts = counts
        }

        public func integer(_ name: String) -> Int64? { if case let .integer(v)? = fields[name] { v } else { nil } }
        public func real(_ name: String) -> Double? { if case let .real(v)? = fields[name] { Double(v) } else { nil } }
        public func text(_ name: String) -> String? { if case let .text(v)? = fields[name] { v } else { nil } }

        /// Whether the record is a TL curve (LTYPE 0).
        public var isThermoluminescence: Bool { integer("LTYPE") == RisoeBINX.thermoluminescence }

        /// Channel temperatures of a TL record, °C: LOW + (HIGH − LOW)·i/NPOINTS for i = 1…NPOINTS, the
        /// channel's end, as R Luminescence builds the x axis (`Risoe.BINfileData2RLum.Data.Curve`).
        public var temperaturesCelsius: [Double] {
            let lo = real("LOW") ?? 0, hi = real("HIGH") ?? 0
            let n = Double(counts.count)
            return counts.indices.map { lo + (hi - lo) * Double($0 + 1) / n }
        }

        /// The glow curve of a TL record (temperatures from LOW…HIGH, times from the heating rate).
        public func glowCurve() throws(RisoeBINXError) -> GlowCurve {
            guard isThermoluminescence else { throw .notThermoluminescence(ltype: integer("LTYPE") ?? -1) }
            guard !counts.isEmpty else { throw .emptyRecord }
            do {
                let t = temperaturesCelsius
                let rate = real("RATE") ?? 0
                let times = rate > 0 ? t.map { ($0 - (real("LOW") ?? 0)) / rate } : nil
                return try GlowCurve(counts: counts.map(Double.init), temperatureCelsius: t, timeSeconds: times)
            } catch {
                throw .invalidCurve(error)
            }
        }

        /// A TL record of `curve` (temperatures evenly spaced from its first to its last channel).
        public static func thermoluminescence(
            _ counts: [UInt32], lowCelsius: Double, highCelsius: Double, heatingRateKelvinPerSecond: Double,
            version: UInt8 = 8, position: Int = 1, run: Int = 1, set: Int = 0, sample: String = "", comment: String = "",
            date: String = "", time: String = ""
        ) -> Record {
            var r = Record(version: version, counts: counts)
            r.fields["LTYPE"] = .integer(0)
            r.fields["LOW"] = .real(Float(lowCelsius))
            r.fields["HIGH"] = .real(Float(highCelsius))
            r.fields["RATE"] = .real(Float(heatingRateKelvinPerSecond))
            r.fields["POSITION"] = .integer(Int64(position))
            r.fields["RUN"] = .integer(Int64(run))
            r.fields["SET"] = .integer(Int64(set))
            r.fields["SAMPLE"] = .text(sample)
            r.fields["COMMENT"] = .text(comment)
            r.fields["DATE"] = .text(date)
            r.fields["TIME"] = .text(time)
            return r
        }
    }

    /// Reads every record of a BIN/BINX file.
    public static func decode(_ bytes: [UInt8]) throws(RisoeBINXError) -> [Record] {
        var records: [Record] = []
        var offset = 0
        while offset < bytes.count {
            let version = bytes[offset]
            guard let layout = layout(version: version) else { throw .unsupportedVersion(version, record: records.count + 1) }
            let header = layout.reduce(0) { $0 + $1.kind.size }
            guard offset + header <= bytes.count else { throw .truncated(record: records.count + 1) }
            var fields: [String: Value] = [:]
            var p = offset
            for field in layout {
                fields[field.name] = read(field.kind, bytes, p)
                p += field.kind.size
            }
            if case let .integer(rt)? = fields["RECTYPE"], rt == 128 { throw .roiRecord(record: records.count + 1) }
            guard case let .integer(n)? = fields["NPOINTS"], n >= 0 else { throw .truncated(record: records.count + 1) }
            let end = p + Int(n) * 4
            guard end <= bytes.count else { throw .truncated(record: records.count + 1) }
            var counts = [UInt32](repeating: 0, count: Int(n))
            for i in 0..<Int(n) { counts[i] = u32(bytes, p + 4 * i) }
            records.append(Record(version: version, fields: fields, counts: counts))
            offset = end
        }
        return records
    }

    /// Writes records (each in its own version's layout); LENGTH, PREVIOUS and NPOINTS are set from the
    /// counts. Missing fields are written as zeros (an empty string for text).
    public static func encode(_ records: [Record]) throws(RisoeBINXError) -> [UInt8] {
        var out: [UInt8] = []
        var previous = 0
        for (index, record) in records.enumerated() {
            guard let layout = layout(version: record.version) else { throw .unsupportedVersion(record.version, record: index + 1) }
            let header = layout.reduce(0) { $0 + $1.kind.size }
            let length = header + 4 * record.counts.count
            let limit = record.version <= 4 ? Int(UInt16.max) : Int(UInt32.max)
            guard length <= limit else { throw .recordTooLong(record: index + 1) }
            for field in layout {
                let value: Value?
                switch field.name {
                case "VERSION": value = .integer(Int64(record.version))
                case "LENGTH": value = .integer(Int64(length))
                case "PREVIOUS": value = .integer(Int64(previous))
                case "NPOINTS": value = .integer(Int64(record.counts.count))
                default: value = record.fields[field.name]
                }
                try write(field, value, into: &out, record: index + 1)
            }
            for c in record.counts { appendLittleEndian(UInt64(c), bytes: 4, into: &out) }
            previous = length
        }
        return out
    }

    static func read(_ kind: FieldKind, _ b: [UInt8], _ p: Int) -> Value {
        switch kind {
        case .u8: return .integer(Int64(b[p]))
        case .i16: return .integer(Int64(Int16(bitPattern: UInt16(b[p]) | UInt16(b[p + 1]) << 8)))
        case .u16: return .integer(Int64(UInt16(b[p]) | UInt16(b[p + 1]) << 8))
        case .i32: return .integer(Int64(Int32(bitPattern: u32(b, p))))
        case .u32: return .integer(Int64(u32(b, p)))
        case .f32: return .real(Float(bitPattern: u32(b, p)))
        case let .text(capacity):
            let n = min(Int(b[p]), capacity)
            return .text(String(decoding: b[(p + 1)..<(p + 1 + n)], as: UTF8.self))
        case let .reserved(n): return .bytes(Array(b[p..<(p + n)]))
        }
    }

    static func write(_ field: Field, _ value: Value?, into out: inout [UInt8], record: Int) throws(RisoeBINXError) {
        switch field.kind {
        case .u8, .i16, .u16, .i32, .u32:
            var v: Int64 = 0
            if case let .integer(x)? = value { v = x } else if case let .real(x)? = value { v = Int64(x) }
            let size = field.kind.size
            appendLittleEndian(UInt64(bitPattern: v), bytes: size, into: &out)
        case .f32:
            var v: Float = 0
            if case let .real(x)? = value { v = x } else if case let .integer(x)? = value { v = Float(x) }
            appendLittleEndian(UInt64(v.bitPattern), bytes: 4, into: &out)
        case let .text(capacity):
            var utf8: [UInt8] = []
            if case let .text(s)? = value { utf8 = Array(s.utf8) }
            guard utf8.count <= capacity else { throw .textTooLong(field: field.name, capacity: capacity, record: record) }
            out.append(UInt8(utf8.count))
            out += utf8
            out += [UInt8](repeating: 0, count: capacity - utf8.count)
        case let .reserved(n):
            var bytes = [UInt8](repeating: 0, count: n)
            if case let .bytes(b)? = value, b.count == n { bytes = b }
            out += bytes
        }
    }

    static func u32(_ b: [UInt8], _ p: Int) -> UInt32 {
        UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24
    }

    static func appendLittleEndian(_ v: UInt64, bytes n: Int, into out: inout [UInt8]) {
        for i in 0..<n { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
}

/// Why a BIN/BINX file or record could not be used. Each case says one thing.
public enum RisoeBINXError: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedVersion(UInt8, record: Int)
    case truncated(record: Int)
    case roiRecord(record: Int)
    case recordTooLong(record: Int)
    case textTooLong(field: String, capacity: Int, record: Int)
    case notThermoluminescence(ltype: Int64)
    case emptyRecord
    case noSuchRecord(Int, records: Int)
    case invalidCurve(GlowCurveError)

    public var description: String {
        switch self {
        case let .unsupportedVersion(v, r): "record \(r): BIN/BINX format version \(v) is not supported (3–8 are)"
        case let .truncated(r): "record \(r) is cut short: the file is truncated or not a BIN/BINX file"
        case let .roiRecord(r): "record \(r) is a region-of-interest definition (BINX v8 record type 128), not a curve"
        case let .recordTooLong(r): "record \(r) has too many points for its format version"
        case let .textTooLong(f, c, r): "record \(r): \(f) is longer than its \(c) bytes"
        case let .notThermoluminescence(l): "the record is not a TL curve (LTYPE \(l))"
        case .emptyRecord: "the record holds no data points"
        case let .noSuchRecord(n, count): "there is no record \(n): the file holds \(count) records (numbered from 1)"
        case let .invalidCurve(e): "the record does not form a valid glow curve: \(e)"
        }
    }
}
