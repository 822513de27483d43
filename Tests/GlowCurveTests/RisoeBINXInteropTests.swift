import Foundation
import TestSupport
import Testing
@testable import GlowCurve

/// BIN/BINX interchange with R Luminescence (Debian r-cran-luminescence, installed by
/// scripts/install-deps.sh). Never skipped: without Rscript the test fails.
@Suite("Risø BIN/BINX against R Luminescence", .serialized)
struct RisoeBINXInteropTests {
    /// Exports R's example BINX file (extdata/BINfile_V8.binx, two TL records) in every format
    /// version 3–8 with write_R2BIN.
    static let exportScript = """
        suppressMessages(library(Luminescence))
        o <- read_BIN2R(system.file("extdata/BINfile_V8.binx", package = "Luminescence"), verbose = FALSE)
        for (v in c("03", "04", "05", "06", "07", "08")) {
          suppressMessages(write_R2BIN(o, paste0("example-v", v, ".binx"), version = v, txtProgressBar = FALSE))
        }
        """
    /// Prints every record of a file as R reads it: record|VERSION|NPOINTS|LTYPE|LOW|HIGH|RATE|POSITION|RUN|SET|SAMPLE|COMMENT|DATE|TIME|data.
    static let dumpScript = """
        suppressMessages(library(Luminescence))
        o <- read_BIN2R(commandArgs(trailingOnly = TRUE)[1], verbose = FALSE)
        m <- o@METADATA
        for (i in seq_len(nrow(m))) {
          cat(paste(i, m$VERSION[i], m$NPOINTS[i], as.character(m$LTYPE[i]), format(m$LOW[i], digits = 9),
                    format(m$HIGH[i], digits = 9), format(m$RATE[i], digits = 9), m$POSITION[i], m$RUN[i], m$SET[i],
                    m$SAMPLE[i], m$COMMENT[i], m$DATE[i], gsub(":", "", m$TIME[i]), paste(o@DATA[[i]], collapse = ";"),
                    sep = "|"), "\\n", sep = "")
        }
        """

    static func rscript() throws -> ProductRunner {
        let path = ["/usr/bin/Rscript", "/usr/local/bin/Rscript"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            Issue.record("Rscript is not installed: run scripts/install-deps.sh (r-cran-luminescence)")
            throw MissingR()
        }
        return ProductRunner(executable: URL(fileURLWithPath: path))
    }
    struct MissingR: Error {}

    static func run(_ r: ProductRunner, _ script: String, _ args: [String] = [], in dir: URL) async throws -> String {
        let file = dir.appendingPathComponent("script-\(abs(script.hashValue)).R")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let result = try await r.run([file.path] + args, in: dir)
        try #require(result.status == 0, "Rscript failed: \(result.stderr)")
        return result.stdout
    }

    struct RRecord: Equatable {
        var version: Int, npoints: Int, ltype: String, low: Double, high: Double, rate: Double
        var position: Int, run: Int, set: Int, sample: String, comment: String, date: String, time: String, data: [UInt32]

        init(line: Substring) throws {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            try #require(f.count == 15, "unexpected R output: \(line)")
            version = Int(f[1]) ?? -1; npoints = Int(f[2]) ?? -1; ltype = f[3]
            low = Double(f[4]) ?? .nan; high = Double(f[5]) ?? .nan; rate = Double(f[6]) ?? .nan
            position = Int(f[7]) ?? -1; run = Int(f[8]) ?? -1; set = Int(f[9]) ?? -1
            sample = f[10]; comment = f[11]; date = f[12]; time = f[13]
            data = f[14].split(separator: ";").compactMap { UInt32($0) }
        }
    }

    static func expect(_ ours: RisoeBINX.Record, matches r: RRecord, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Int(ours.version) == r.version, sourceLocation: sourceLocation)
        #expect(ours.counts.count == r.npoints, sourceLocation: sourceLocation)
        #expect(ours.counts == r.data, "channels differ", sourceLocation: sourceLocation)
        #expect((ours.isThermoluminescence ? "TL" : "other") == r.ltype, sourceLocation: sourceLocation)
        #expect(abs((ours.real("LOW") ?? .nan) - r.low) < 1e-4, sourceLocation: sourceLocation)
        #expect(abs((ours.real("HIGH") ?? .nan) - r.high) < 1e-4, sourceLocation: sourceLocation)
        #expect(abs((ours.real("RATE") ?? .nan) - r.rate) < 1e-4, sourceLocation: sourceLocation)
        #expect(ours.integer("POSITION") == Int64(r.position), sourceLocation: sourceLocation)
        #expect(ours.integer("RUN") == Int64(r.run), sourceLocation: sourceLocation)
        #expect(ours.integer("SET") == Int64(r.set), sourceLocation: sourceLocation)
        #expect(ours.text("SAMPLE") == r.sample, sourceLocation: sourceLocation)
        #expect(ours.text("COMMENT") == r.comment, sourceLocation: sourceLocation)
        #expect(ours.text("DATE") == r.date, sourceLocation: sourceLocation)
        #expect(ours.text("TIME") == r.time, sourceLocation: sourceLocation)
    }

    @Test("R's example file in versions 3–8 reads identically, and rewrites byte for byte")
    func readsWhatRWrites() async throws {
        let r = try Self.rscript()
        let dir = try TemporaryDirectory("binx-r")
        defer { dir.cleanup() }
        _ = try await Self.run(r, Self.exportScript, in: dir.url)
        for v in ["03", "04", "05", "06", "07", "08"] {
            let file = dir.url.appendingPathComponent("example-v\(v).binx")
            let bytes = [UInt8](try Data(contentsOf: file))
            let ours = try RisoeBINX.decode(bytes)
            let theirs = try await Self.run(r, Self.dumpScript, [file.path], in: dir.url).split(separator: "\n").map { try RRecord(line: $0) }
            try #require(ours.count == theirs.count && ours.count == 2, "v\(v): \(ours.count) records vs R's \(theirs.count)")
            for (a, b) in zip(ours, theirs) { Self.expect(a, matches: b) }
            #expect(try RisoeBINX.encode(ours) == bytes, "v\(v): not rewritten byte for byte")
            // The TL record's temperatures follow R's axis: LOW + (HIGH − LOW)·i/N, i = 1…N.
            let curve = try ours[0].glowCurve()
            #expect(abs(curve.temperatureKelvin[0] - 273.15 - 221.0 / 250) < 1e-9)
            #expect(abs((curve.temperatureKelvin.last ?? 0) - 273.15 - 221) < 1e-9)
        }
    }

    @Test("files we write (versions 3–8) read back identically in R")
    func rReadsWhatWeWrite() async throws {
        let r = try Self.rscript()
        let dir = try TemporaryDirectory("binx-ours")
        defer { dir.cleanup() }
        let curve = try TestData.curve("glocanin/refglow_x005.csv")
        for version: UInt8 in [3, 4, 5, 6, 7, 8] {
            let records = (1...3).map { n in
                RisoeBINX.Record.thermoluminescence(
                    curve.counts.map { UInt32($0) + UInt32(n) }, lowCelsius: 35.0, highCelsius: 285.74, heatingRateKelvinPerSecond: 2,
                    version: version, position: n, run: n, sample: "10000032", comment: "tld batch MAG-1 card 10000032 element \(n)",
                    date: "061226", time: "113005")
            }
            let file = dir.url.appendingPathComponent("ours-v\(version).binx")
            try Data(try RisoeBINX.encode(records)).write(to: file)
            let theirs = try await Self.run(r, Self.dumpScript, [file.path], in: dir.url).split(separator: "\n").map { try RRecord(line: $0) }
            try #require(theirs.count == 3, "v\(version): R read \(theirs.count) records")
            for (a, b) in zip(records, theirs) { Self.expect(a, matches: b) }
        }
    }

    @Test func malformedFilesAreRefused() throws {
        #expect(throws: RisoeBINXError.unsupportedVersion(9, record: 1)) { try RisoeBINX.decode([9, 0, 0, 0]) }
        let one = try RisoeBINX.encode([.thermoluminescence([1, 2, 3], lowCelsius: 0, highCelsius: 3, heatingRateKelvinPerSecond: 1)])
        #expect(one.count == 507 + 12)
        #expect(throws: RisoeBINXError.truncated(record: 1)) { try RisoeBINX.decode(Array(one.dropLast(2))) }
        #expect(throws: RisoeBINXError.textTooLong(field: "SAMPLE", capacity: 20, record: 1)) {
            try RisoeBINX.encode([.thermoluminescence([1], lowCelsius: 0, highCelsius: 1, heatingRateKelvinPerSecond: 1, sample: String(repeating: "x", count: 21))])
        }
        for v: UInt8 in 3...8 { #expect(RisoeBINX.headerSize(version: v) == [3: 272, 4: 272, 5: 423, 6: 447, 7: 447, 8: 507][v]) }
    }
}
