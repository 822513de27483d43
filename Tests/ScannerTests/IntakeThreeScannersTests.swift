import CUmockdev
import DeviceIO
import Foundation
import Glibc
import ScannerSimulator
import Synchronization
import TestSupport
import Testing

/// Issue 12's "done when": a 500-card return read by `tld intake` from three simulated scanners of
/// the three kinds at once — USB serial (Honeywell CDC, 17EB0123), HID POS through libusb (Newland,
/// NLS00071) and keyboard wedge through evdev (Datalogic Gryphon in keyboard mode, DL0099) — on a
/// umockdev test bed, interleaved with typed lines, the serial scanner pulled out in the middle of a
/// scan and plugged in again. Every card is taken in once, misreads are answered as misreads (never
/// "put aside"), nothing typed is lost, and `tld devices` lists the three scanners.
///
/// The lab is set up with `tld` itself (import of 500 wearers, stock, prices, dispatch), and
/// `tld intake` runs as a child process under umockdev's preload, sharing this process's test bed
/// (UMOCKDEV_DIR), as a technician would run it at the bench.
@Suite("tld intake: 500 cards from three scanners of three kinds and the keyboard",
       .enabled(if: ChildProcess.umockdevPreload != nil, "needs libumockdev-preload.so.0 (apt install umockdev)"))
struct IntakeThreeScannersTests {
    static let reportVariable = "INTAKE_THREE_SCANNERS_REPORT"

    @Test("every card once, misreads as misreads, nothing typed lost, a scanner unplugged and re-plugged mid-way")
    func fiveHundredCards() async throws {
        guard let child = try await ChildProcess.underUmockdevPreload(
            filter: "IntakeThreeScannersTests", reportVariable: Self.reportVariable, timeout: .seconds(300), child: Self.childHalf) else { return }
        let outcome = child.outcome
        #expect(outcome.status == 0, "child exited with \(outcome.status):\n\(outcome.output.suffix(6000))")
        let report = child.report
        #expect(report.hasSuffix("end\n"), "report:\n\(report)")
        print(report)
    }

    static func childHalf(_ lines: inout [String]) async throws {
        let dir = try ChildProcess.makeTemporaryDirectory()
        defer { ChildProcess.removeTree(dir) }
        let tld = try ProductRunner(product: "tld")
        let here = URL(fileURLWithPath: dir)
        try ChildProcess.writeFile("\(dir)/import.csv", importFile(wearers: 500))
        for arguments in [["import", "import.csv", "--ordered", "2026-12-08"],
                          ["cards", "add", "--type", "whole-body", "--elements", "4", "--range", "10000016-10005007"],
                          ["prices", "set", "--type", "whole-body", "--from", "2026-01-01", "--card", "125.00", "--compensation", "450.00"],
                          ["dispatch", "--on", "2026-12-14", "--out", "out"]] {
            let r = try await tld.run(arguments + ["--database", "lab.sqlite"], in: here)
            try #require(r.status == 0, "tld \(arguments.joined(separator: " ")): \(r.stderr)")
        }
        // The 500 cards sent out: payloads 1000001…1000500 with their check digits.
        let cards = (1...500).map { SimulatedCardLabel.label(serial: 1_000_000 + $0) }

        // The bench: three scanners on the test bed.
        let testbed = try #require(umockdev_testbed_new())
        defer { g_object_unref(testbed) }
        try #require(umockdev_in_mock_environment() != 0, "umockdev preload not active")
        let root = "\(ChildProcess.packageRoot)/simulators/devices"
        let serialDescription = try #require(ChildProcess.readFile("\(root)/scanner-cdc-honeywell-17EB0123.umockdev"))
        try add(serialDescription, to: testbed)
        let hidpos = HIDPOSUsbfsEmulator()
        try hidpos.attach(to: testbed, devnode: "/dev/bus/usb/001/007")
        try add(try #require(ChildProcess.readFile("\(root)/scanner-hidpos-newland-NLS00071.umockdev"))
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("N: bus/usb/") ? String($0.prefix { $0 != "=" }) : String($0) }
            .joined(separator: "\n"), to: testbed)
        try add(try #require(ChildProcess.readFile("\(root)/scanner-keyboard-datalogic-DL0099.umockdev")), to: testbed)
        let umockdevDir = try #require(getenv("UMOCKDEV_DIR").map { String(cString: $0) })
        let environment = ["UMOCKDEV_DIR": umockdevDir, "TLD_DEVICE_EMULATION": "1"]

        // tld devices lists all three, the keyboard-mode one with its evdev node.
        let devices = try await tld.run(["devices"], in: here, environment: environment)
        #expect(devices.status == 0, "\(devices.stderr)")
        for expected in ["scanner-serial", "17EB0123", "scanner-hidpos", "NLS00071", "scanner-keyboard", "DL0099", "/dev/input/event7"] {
            #expect(devices.stdout.contains(expected), "tld devices lacks \(expected):\n\(devices.stdout)")
        }

        let bench = try BenchProcess(tld: tld.executable, in: dir, environment: environment,
                                     arguments: ["intake", "--customer", "K-5001", "--arrived", "2027-02-05", "--database", "lab.sqlite"])
        try await bench.waitFor { $0.filter { $0.hasPrefix("Scanner ready") }.count == 3 }
        var serial = SerialScannerSimulator(writingTo: umockdev_testbed_get_dev_fd(testbed, "/dev/ttyACM0"),
                                            devicePath: "/dev/ttyACM0", ownedElsewhere: true)
        let wedge = KeyboardWedgeSimulator(writingTo: umockdev_testbed_get_dev_fd(testbed, "/dev/input/event7"),
                                           devicePath: "/dev/input/event7", ownedElsewhere: true)
        var placeholder: PseudoTerminalPair?
        var typed: [String] = []
        var misreads: [String] = []
        var latencies: [Duration] = []

        func send(_ code: String, by source: Int) throws {
            switch source {
            case 0: try serial.scan(SimulatedScan(code: code))
            case 1: hidpos.enqueue(SimulatedScan(code: code, aimIdentifier: "]C0"))
            case 2: try wedge.scan(code)
            default: try bench.type(code)
            }
        }

        for (i, card) in cards.enumerated() {
            let source = i % 50 == 7 ? 3 : i % 3
            if source == 3 { typed.append(card) }
            if i % 100 == 13 {
                // A misread first: one digit wrong, so the check digit fails.
                let last = card.last?.wholeNumberValue ?? 0
                let wrong = String(card.dropLast()) + String((last + 1) % 10)
                misreads.append(wrong)
                try send(wrong, by: source)
                try await bench.waitFor { $0.contains { $0.hasPrefix("ERROR misread: \(wrong) ") } }
            }
            if i == 250 {
                // The serial scanner: half a card number, then the cable is pulled.
                try serial.send(Array(card.prefix(4).utf8))
                serial.unplug()
                let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3"
                umockdev_testbed_uevent(testbed, "\(usb)/1-3:1.0/tty/ttyACM0", "remove")
                umockdev_testbed_remove_device(testbed, "\(usb)/1-3:1.0/tty/ttyACM0")
                umockdev_testbed_remove_device(testbed, "\(usb)/1-3:1.0")
                umockdev_testbed_uevent(testbed, usb, "remove")
                umockdev_testbed_remove_device(testbed, usb)
                try await bench.waitFor { $0.contains { $0.contains("scanner 17EB0123 (USB serial) unplugged") } }
                // Typed while it is out: not lost.
                try bench.type("missing")
                try await bench.waitFor { $0.contains { $0.hasPrefix("Missing (") } }
                placeholder = try await PseudoTerminalPair.open()  // see ScannerConnectionUmockdevTests
                try add(serialDescription.replacingAll("1-3", with: "1-9").replacingAll("ttyACM0", with: "ttyACM1")
                    .replacingAll("001/006", with: "001/012").replacingAll("devnum=6", with: "devnum=12").replacingAll("DEVNUM=006", with: "DEVNUM=012")
                    .replacingAll("dev=166:0", with: "dev=166:1").replacingAll("E: MAJOR=166\nE: MINOR=0", with: "E: MAJOR=166\nE: MINOR=1")
                    .replacingAll("dev=189:5", with: "dev=189:11").replacingAll("E: MINOR=5", with: "E: MINOR=11"), to: testbed)
                try await bench.waitFor { $0.filter { $0.hasPrefix("Scanner ready") }.count == 4 }
                serial = SerialScannerSimulator(writingTo: dup(umockdev_testbed_get_dev_fd(testbed, "/dev/ttyACM1")), devicePath: "/dev/ttyACM1")
            }
            let sent = ContinuousClock.now
            try send(card, by: source)
            try await bench.waitFor { $0.contains { $0.hasPrefix("OK    card \(card) taken in") } }
            latencies.append(ContinuousClock.now - sent)
        }
        try bench.type("done")
        let status = try await bench.exitStatus()
        let out = bench.lines

        // Every card taken in exactly once, from the right source.
        let takenIn = out.filter { $0.hasPrefix("OK    card ") }.map { String($0.dropFirst(11).prefix(8)) }
        #expect(takenIn.count == 500 && Set(takenIn) == Set(cards), "\(takenIn.count) taken in")
        #expect(out.contains("Return closed: 500 cards taken in."))
        #expect(out.contains("No cards missing."))
        for (source, name) in ["(USB serial)]", "(HID POS)]", "(keyboard)]"].enumerated() {
            let expected = cards.indices.filter { $0 % 50 != 7 && $0 % 3 == source }.count
            let n = out.filter { $0.hasPrefix("OK    card ") && $0.hasSuffix(name) }.count
            #expect(n == expected, "\(n) cards from \(name), expected \(expected)")
        }
        // Typed cards: taken in, with no scanner named.
        for card in typed { #expect(out.contains { $0.hasPrefix("OK    card \(card) taken in") && !$0.hasSuffix("]") }, "typed \(card)") }
        // Misreads: answered as misreads, never put aside; the summary counts them.
        #expect(out.filter { $0.hasPrefix("ERROR misread: ") }.count == misreads.count)
        #expect(!out.contains { $0.contains("put it aside") })
        #expect(out.contains("  Misreads (scanned again?): \(misreads.count)"))
        #expect(out.contains("  Put aside: none"))
        // The half-sent number was dropped, never joined to the next scan: no other refusal.
        #expect(out.filter { $0.hasPrefix("ERROR") }.count == misreads.count, "\(out.filter { $0.hasPrefix("ERROR") })")
        #expect(status == 65, "misreads were refused: exit 65\n\(bench.errors)")
        latencies.sort()
        lines.append("latency scan→answer: median \(latencies[latencies.count / 2]), p95 \(latencies[latencies.count * 95 / 100]), max \(latencies.last ?? .zero)")
        lines.append("end")
        if let placeholder { await placeholder.close() }
    }

    static func importFile(wearers: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var rows = ["customer_number,customer_name,company_id,delivery_address,contact_name,contact_email,wearer_name,national_id,dosimeter_type,period,change_day,start_date,end_date"]
        for i in 0..<wearers {
            let name = "\"Person, \(letters[i / 26])\(letters[i % 26].lowercased())\(letters[(i * 7) % 26].lowercased())\""
            let id = String(format: "%02d%02d%02d-%04d", 1 + i % 28, 1 + (i / 28) % 12, 70 + i / 336, 1000 + i)
            rows.append("K-5001,Bench Test Hospital,31415926,\"Street 1, 8000 Aarhus C\",Contact Person,bench@example.dk,\(name),\(id),whole-body,1m,1,2027-01-01,")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func add(_ description: String, to testbed: UnsafeMutablePointer<UMockdevTestbed>) throws {
        var error: UnsafeMutablePointer<GError>?
        try #require(umockdev_testbed_add_from_string(testbed, description, &error) != 0)
    }
}

/// `tld intake` as a child process: lines typed into its standard input, its output lines watched.
final class BenchProcess: Sendable {
    private let process: Process
    private let input: FileHandle
    private let output = OutputBox()
    private let errorText = OutputBox()

    init(tld: URL, in directory: String, environment: [String: String], arguments: [String]) throws {
        let process = Process()
        process.executableURL = tld
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TLD_DATABASE")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        self.process = process
        input = stdin.fileHandleForWriting
        stdout.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }  // end of file: the child closed its output
            output.state.withLock { state in
                state.ended = state.ended || data.isEmpty
                state.text += String(decoding: data, as: UTF8.self)
                while let newline = state.text.firstIndex(of: "\n") {
                    state.lines.append(String(state.text[..<newline]))
                    state.text = String(state.text[state.text.index(after: newline)...])
                }
            }
        }
        stderr.fileHandleForReading.readabilityHandler = { [errorText] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            errorText.state.withLock { state in
                state.ended = state.ended || data.isEmpty
                state.text += String(decoding: data, as: UTF8.self)
            }
        }
        try process.run()
    }

    var lines: [String] { output.state.withLock { $0.lines } }
    var errors: String { errorText.state.withLock { $0.text } }

    /// Types a line at the bench.
    func type(_ line: String) throws {
        try input.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Waits (looking every 2 ms) until `condition` holds for the output lines; fails after 20 s.
    func waitFor(_ condition: ([String]) -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while !condition(lines) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                Issue.record("bench: condition not met; last output:\n\(lines.suffix(15).joined(separator: "\n"))\nstderr:\n\(errors)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Closes standard input and waits for the exit status and the end of the child's output.
    func exitStatus() async throws -> Int32 {
        try input.close()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        // Until the child has exited and both of its outputs reached end of file (every line read).
        while process.isRunning || !output.state.withLock({ $0.ended }) || !errorText.state.withLock({ $0.ended }) {
            guard ContinuousClock.now < deadline else { process.terminate(); throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
        return process.terminationStatus
    }
}

/// A child's output, filled by a pipe's handler and read by the test.
final class OutputBox: Sendable {
    let state = Mutex<(text: String, lines: [String], ended: Bool)>(("", [], false))
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
