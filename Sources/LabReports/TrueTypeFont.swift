/// A TrueType font file read for embedding in a PDF: its metrics, its character map and glyphs, and
/// a subset of it that keeps only the glyphs a document uses.
///
/// Written from the OpenType specification 1.9 (Microsoft, "OpenType font file": the table
/// directory and table checksums; `head`, `hhea`, `hmtx`, `maxp`, `OS/2`, `loca`, `glyf` with its
/// composite glyph flags, `cmap` format 4) and ISO 32000-1 §9.9 (embedded font programs: a
/// TrueType program as `FontFile2`). The subset keeps every glyph ID (so the font's `cmap`, `hmtx`
/// and the PDF's character codes stay valid) and empties the `glyf` entries of the glyphs not used,
/// writing a new `loca` (long offsets): the simple subsetting ISO 32000-1 §9.6.4 allows ("the font
/// program may be a subset; its name then begins with a six-letter tag and a plus sign").
struct TrueTypeFont: Sendable {
    enum ReadError: Error { case truncated, missingTable(String), unsupported(String) }

    let bytes: [UInt8]
    /// Tag → byte range of each table.
    let tables: [String: Range<Int>]
    let unitsPerEm: Int
    let numGlyphs: Int
    /// Advance width of each glyph in font units.
    let advances: [Int]
    /// `loca`: glyph `g` is `glyf[glyphOffsets[g] ..< glyphOffsets[g + 1]]`.
    let glyphOffsets: [Int]
    /// Unicode scalar value → glyph ID (from the `cmap` format 4 subtable for Unicode BMP).
    let glyphIDs: [UInt32: Int]
    let xMin: Int, yMin: Int, xMax: Int, yMax: Int
    let ascender: Int, descender: Int, capHeight: Int
    let isFixedPitch: Bool

    init(bytes: [UInt8]) throws(ReadError) {
        self.bytes = bytes
        guard bytes.count >= 12 else { throw .truncated }
        let count = Self.u16(bytes, 4)
        var tables: [String: Range<Int>] = [:]
        for i in 0..<count {
            let record = 12 + 16 * i
            guard record + 16 <= bytes.count else { throw .truncated }
            let tag = String(decoding: bytes[record..<record + 4], as: UTF8.self)
            let offset = Self.u32(bytes, record + 8), length = Self.u32(bytes, record + 12)
            guard offset + length <= bytes.count else { throw .truncated }
            tables[tag] = offset..<offset + length
        }
        self.tables = tables
        func table(_ tag: String) throws(ReadError) -> Int {
            guard let range = tables[tag] else { throw .missingTable(tag) }
            return range.lowerBound
        }
        let head = try table("head"), hhea = try table("hhea"), maxp = try table("maxp"), hmtx = try table("hmtx")
        let loca = try table("loca"), cmap = try table("cmap"), glyf = try table("glyf")
        unitsPerEm = Self.u16(bytes, head + 18)
        xMin = Self.i16(bytes, head + 36); yMin = Self.i16(bytes, head + 38)
        xMax = Self.i16(bytes, head + 40); yMax = Self.i16(bytes, head + 42)
        let longLoca = Self.i16(bytes, head + 50) == 1
        ascender = Self.i16(bytes, hhea + 4); descender = Self.i16(bytes, hhea + 6)
        let metrics = Self.u16(bytes, hhea + 34)
        numGlyphs = Self.u16(bytes, maxp + 4)
        guard metrics >= 1, metrics <= numGlyphs else { throw .unsupported("hhea.numberOfHMetrics \(metrics)") }
        var advances: [Int] = []
        advances.reserveCapacity(numGlyphs)
        for g in 0..<numGlyphs { advances.append(Self.u16(bytes, hmtx + 4 * min(g, metrics - 1))) }
        self.advances = advances
        var offsets: [Int] = []
        offsets.reserveCapacity(numGlyphs + 1)
        for g in 0...numGlyphs {
            offsets.append(longLoca ? Self.u32(bytes, loca + 4 * g) : 2 * Self.u16(bytes, loca + 2 * g))
        }
        guard let last = offsets.last, glyf + last <= bytes.count else { throw .truncated }
        glyphOffsets = offsets.map { glyf + $0 }
        if let os2 = tables["OS/2"], Self.u16(bytes, os2.lowerBound) >= 2 {
            capHeight = Self.i16(bytes, os2.lowerBound + 88)
        } else {
            capHeight = ascender * 7 / 10
        }
        if let post = tables["post"] { isFixedPitch = Self.u32(bytes, post.lowerBound + 12) != 0 } else { isFixedPitch = false }
        glyphIDs = try Self.unicodeMap(bytes, cmap: cmap)
    }

    /// The glyph of a character (0, `.notdef`, when the font has none).
    func glyph(_ scalar: Unicode.Scalar) -> Int { glyphIDs[scalar.value] ?? 0 }

    /// An advance width in thousandths of an em (PDF glyph space).
    func width(glyph: Int) -> Int { (advances[min(glyph, numGlyphs - 1)] * 1000 + unitsPerEm / 2) / unitsPerEm }

    func scaled(_ v: Int) -> Int { (v * 1000) / unitsPerEm }

    /// The font file with only `glyphs` (and `.notdef`, and the components of composite glyphs) kept.
    func subset(keeping glyphs: Set<Int>) -> [UInt8] {
        var keep = glyphs.union([0]).filter { $0 < numGlyphs }
        // Composite glyphs (accented letters such as å, é) draw other glyphs: keep those too.
        var queue = Array(keep)
        while let g = queue.popLast() {
            for component in components(of: g) where !keep.contains(component) && component < numGlyphs {
                keep.insert(component)
                queue.append(component)
            }
        }
        var glyf: [UInt8] = []
        var loca: [UInt8] = []
        for g in 0..<numGlyphs {
            Self.put32(&loca, glyf.count)
            if keep.contains(g) {
                glyf += bytes[glyphOffsets[g]..<glyphOffsets[g + 1]]
                while glyf.count % 4 != 0 { glyf.append(0) }
            }
        }
        Self.put32(&loca, glyf.count)
        var head = Array(bytes[tables["head"] ?? 0..<0])
        if head.count >= 54 {
            head[50] = 0; head[51] = 1  // indexToLocFormat: long offsets
            head[8] = 0; head[9] = 0; head[10] = 0; head[11] = 0  // checkSumAdjustment, set below
        }
        var out: [String: [UInt8]] = [:]
        for (tag, range) in tables where tag != "glyf" && tag != "loca" && tag != "head" && tag != "DSIG" {
            out[tag] = Array(bytes[range])
        }
        out["glyf"] = glyf
        out["loca"] = loca
        out["head"] = head
        var file = Self.assemble(out)
        // head.checkSumAdjustment: 0xB1B0AFBA minus the checksum of the whole file.
        if let headOffset = Self.tableOffset(in: file, tag: "head") {
            let adjustment = (0xB1B0_AFBA &- Self.checksum(file[...])) & 0xFFFF_FFFF
            file[headOffset + 8] = UInt8(adjustment >> 24 & 0xFF); file[headOffset + 9] = UInt8(adjustment >> 16 & 0xFF)
            file[headOffset + 10] = UInt8(adjustment >> 8 & 0xFF); file[headOffset + 11] = UInt8(adjustment & 0xFF)
        }
        return file
    }

    /// The glyph IDs a composite glyph draws (none for a simple glyph).
    func components(of glyph: Int) -> [Int] {
        guard glyph < numGlyphs else { return [] }
        let start = glyphOffsets[glyph], end = glyphOffsets[glyph + 1]
        guard end - start >= 10, Self.i16(bytes, start) < 0 else { return [] }
        var result: [Int] = []
        var p = start + 10
        while p + 4 <= end {
            let flags = Self.u16(bytes, p)
            result.append(Self.u16(bytes, p + 2))
            p += 4 + (flags & 0x0001 != 0 ? 4 : 2)  // ARG_1_AND_2_ARE_WORDS
            if flags & 0x0008 != 0 { p += 2 }  // WE_HAVE_A_SCALE
            else if flags & 0x0040 != 0 { p += 4 }  // WE_HAVE_AN_X_AND_Y_SCALE
            else if flags & 0x0080 != 0 { p += 8 }  // WE_HAVE_A_TWO_BY_TWO
            if flags & 0x0020 == 0 { break }  // MORE_COMPONENTS
        }
        return result
    }

    // MARK: Reading and writing the file

    static func unicodeMap(_ b: [UInt8], cmap: Int) throws(ReadError) -> [UInt32: Int] {
        let count = u16(b, cmap + 2)
        var subtable: Int?
        for i in 0..<count {
            let platform = u16(b, cmap + 4 + 8 * i), encoding = u16(b, cmap + 6 + 8 * i)
            let offset = cmap + u32(b, cmap + 8 + 8 * i)
            guard offset + 4 <= b.count, u16(b, offset) == 4 else { continue }
            if (platform == 3 && encoding == 1) || (platform == 0 && subtable == nil) { subtable = offset }
        }
        guard let t = subtable else { throw .unsupported("no cmap format 4 subtable for Unicode") }
        let segments = u16(b, t + 6) / 2
        let ends = t + 14, starts = ends + 2 * segments + 2, deltas = starts + 2 * segments, rangeOffsets = deltas + 2 * segments
        guard rangeOffsets + 2 * segments <= b.count else { throw .truncated }
        var map: [UInt32: Int] = [:]
        for s in 0..<segments {
            let end = u16(b, ends + 2 * s), start = u16(b, starts + 2 * s)
            let delta = u16(b, deltas + 2 * s), rangeOffset = u16(b, rangeOffsets + 2 * s)
            guard start <= end, start != 0xFFFF else { continue }
            for c in start...end {
                var g: Int
                if rangeOffset == 0 {
                    g = (c + delta) & 0xFFFF
                } else {
                    let at = rangeOffsets + 2 * s + rangeOffset + 2 * (c - start)
                    guard at + 2 <= b.count else { continue }
                    g = u16(b, at)
                    if g != 0 { g = (g + delta) & 0xFFFF }
                }
                if g != 0 { map[UInt32(c)] = g }
            }
        }
        return map
    }

    /// A font file of `tables`: the table directory (sorted by tag, with checksums) and the tables,
    /// each starting on a 4-byte boundary.
    static func assemble(_ tables: [String: [UInt8]]) -> [UInt8] {
        let tags = tables.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var power = 1, log = 0
        while power * 2 <= tags.count { power *= 2; log += 1 }
        var out: [UInt8] = [0, 1, 0, 0]
        put16(&out, tags.count); put16(&out, power * 16); put16(&out, log); put16(&out, tags.count * 16 - power * 16)
        var offset = 12 + 16 * tags.count
        var body: [UInt8] = []
        for tag in tags {
            let data = tables[tag] ?? []
            out += Array(tag.utf8)
            put32(&out, checksum(data[...])); put32(&out, offset); put32(&out, data.count)
            body += data
            while body.count % 4 != 0 { body.append(0) }
            offset = 12 + 16 * tags.count + body.count
        }
        return out + body
    }

    static func tableOffset(in file: [UInt8], tag: String) -> Int? {
        let want = Array(tag.utf8)
        for i in 0..<u16(file, 4) where Array(file[12 + 16 * i..<16 + 16 * i]) == want { return u32(file, 20 + 16 * i) }
        return nil
    }

    static func checksum(_ data: ArraySlice<UInt8>) -> Int {
        var sum: UInt32 = 0
        var i = data.startIndex
        while i < data.endIndex {
            var word: UInt32 = 0
            for k in 0..<4 { word = word << 8 | UInt32(i + k < data.endIndex ? data[i + k] : 0) }
            sum = sum &+ word
            i += 4
        }
        return Int(sum)
    }

    static func u16(_ b: [UInt8], _ at: Int) -> Int { at + 2 <= b.count ? Int(b[at]) << 8 | Int(b[at + 1]) : 0 }
    static func i16(_ b: [UInt8], _ at: Int) -> Int { Int(Int16(bitPattern: UInt16(u16(b, at)))) }
    static func u32(_ b: [UInt8], _ at: Int) -> Int { u16(b, at) << 16 | u16(b, at + 2) }
    static func put16(_ out: inout [UInt8], _ v: Int) { out.append(UInt8(v >> 8 & 0xFF)); out.append(UInt8(v & 0xFF)) }
    static func put32(_ out: inout [UInt8], _ v: Int) { put16(&out, v >> 16 & 0xFFFF); put16(&out, v & 0xFFFF) }
}
