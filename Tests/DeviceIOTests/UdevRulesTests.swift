import Glibc
import TestSupport
import Testing

/// `udev/70-tl-lab.rules` applied by the real udev rule engine (`udevadm test`) to the umockdev
/// descriptions in `simulators/devices/`, inside a private mount namespace so the machine's /dev
/// and /run are never written (the recipe of shared/notes/hardware-testing.md §3.4):
/// `unshare -m`, tmpfs on /run, the rules directory bound over /etc/udev/rules.d, an overlay on
/// /dev, and /dev/pts bound back (umockdev's emulated ttys need it).
@Suite("udev rules under udevadm test", .enabled(if: RuleTestTools.missing.isEmpty, RuleTestTools.skipMessage))
struct UdevRulesTests {
    static let unshare = RuleTestTools.unshare
    static let umockdevRun = RuleTestTools.umockdevRun
    static let udevadm = RuleTestTools.udevadm

    static let usb = "/devices/pci0000:00/0000:00:14.0/usb1"

    struct Case: Sendable, CustomTestStringConvertible {
        var description: String
        var sysPath: String
        /// Lines the rules must log (after "70-tl-lab.rules:<line> ") or properties they must set.
        var expected: [String]
        var testDescription: String { "\(description) \(sysPath.split(separator: "/").last ?? "")" }
    }

    static func gid(_ name: String) -> String {
        getgrnam(name).map { String($0.pointee.gr_gid) } ?? "?"
    }

    static let cases: [Case] = [
        Case(description: "reader-ftdi-TL00042", sysPath: "\(usb)/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0",
             expected: ["GROUP \(gid("dialout"))", "MODE 0660", "LINK 'tl-lab/reader-TL00042'", "ID_MM_DEVICE_IGNORE=1"]),
        Case(description: "reader-ftdi-TL00042", sysPath: "\(usb)/1-2",
             expected: ["GROUP \(gid("plugdev"))", "MODE 0660", "ID_MM_DEVICE_IGNORE=1"]),
        Case(description: "scanner-cdc-honeywell-17EB0123", sysPath: "\(usb)/1-3/1-3:1.0/tty/ttyACM0",
             expected: ["GROUP \(gid("dialout"))", "MODE 0660", "LINK 'tl-lab/scanner-17EB0123'", "ID_MM_DEVICE_IGNORE=1"]),
        Case(description: "scanner-cdc-honeywell-17EB0123", sysPath: "\(usb)/1-3",
             expected: ["GROUP \(gid("plugdev"))", "MODE 0660", "ID_MM_DEVICE_IGNORE=1"]),
        Case(description: "scanner-hidpos-newland-NLS00071", sysPath: "\(usb)/1-4/1-4:1.0/0003:1EAB:0110.0001/hidraw/hidraw0",
             expected: ["GROUP \(gid("plugdev"))", "MODE 0660", "LINK 'tl-lab/scanner-NLS00071'"]),
        Case(description: "scanner-hidpos-newland-NLS00071", sysPath: "\(usb)/1-4",
             expected: ["GROUP \(gid("plugdev"))", "MODE 0660", "ID_MM_DEVICE_IGNORE=1"]),
        Case(description: "scanner-keyboard-datalogic-DL0099", sysPath: "\(usb)/1-5/1-5:1.0/0003:05F9:2206.0002/hidraw/hidraw1",
             expected: ["GROUP \(gid("plugdev"))", "MODE 0660", "LINK 'tl-lab/scanner-DL0099'"]),
        // The keyboard-mode scanner's evdev node: the lab's group, and the desktop's libinput told to ignore it.
        Case(description: "scanner-keyboard-datalogic-DL0099", sysPath: "\(usb)/1-5/1-5:1.0/0003:05F9:2206.0002/input/input7/event7",
             expected: ["GROUP \(gid("plugdev"))", "MODE 0660", "LINK 'tl-lab/scanner-DL0099-keys'", "LIBINPUT_IGNORE_DEVICE=1"]),
    ]

    /// Runs `udevadm test` for one device in a private namespace; returns its output.
    static func udevTest(description: String, sysPath: String, rules: String) async throws -> String {
        let directory = try ChildProcess.makeTemporaryDirectory()
        defer { ChildProcess.removeTree(directory) }
        for sub in ["rules", "up", "work", "pts"] { mkdir("\(directory)/\(sub)", 0o700) }
        try ChildProcess.writeFile("\(directory)/rules/70-tl-lab.rules", rules)
        let device = "\(ChildProcess.packageRoot)/simulators/devices/\(description).umockdev"
        let script = """
            set -e
            mount --make-rprivate /
            mount -t tmpfs tmpfs /run
            mount --bind "$T/rules" /etc/udev/rules.d
            mount --bind /dev/pts "$T/pts"
            mount -t overlay overlay -o lowerdir=/dev,upperdir="$T/up",workdir="$T/work" /dev
            mount --bind "$T/pts" /dev/pts
            exec "$UMOCKDEV_RUN" -d "$DEVICE" -- "$UDEVADM" test --action=add "$SYSPATH"
            """
        let environment = ChildProcess.inheritedEnvironment() + [
            "T=\(directory)", "DEVICE=\(device)", "SYSPATH=\(sysPath)",
            "UMOCKDEV_RUN=\(umockdevRun ?? "")", "UDEVADM=\(udevadm ?? "")",
        ]
        let outcome = try await ChildProcess.run([unshare ?? "unshare", "-m", "--", "/bin/sh", "-c", script], environment: environment)
        #expect(outcome.status == 0, "udevadm test exited with \(outcome.status):\n\(outcome.output)")
        return outcome.output
    }

    static func rulesText() throws -> String {
        try #require(ChildProcess.readFile("\(ChildProcess.packageRoot)/udev/70-tl-lab.rules"))
    }

    @Test("each device node gets its group, mode 0660, serial-keyed symlink and ModemManager ignore", arguments: cases)
    func rulesApply(_ testCase: Case) async throws {
        let output = try await Self.udevTest(description: testCase.description, sysPath: testCase.sysPath, rules: try Self.rulesText())
        let lines = output.split(separator: "\n").map(String.init)
        for expected in testCase.expected {
            let found = expected.contains("=")
                ? lines.contains(expected)
                : lines.contains { $0.contains("70-tl-lab.rules:") && $0.hasSuffix(expected) }
            #expect(found, "missing '\(expected)' in udevadm test output:\n\(output)")
        }
        #expect(!lines.contains { $0.contains("MODE 0666") })
    }

    @Test("the interface of a keyboard scanner is left alone")
    func untouched() async throws {
        for sysPath in ["\(Self.usb)/1-5/1-5:1.0"] {
            let output = try await Self.udevTest(description: "scanner-keyboard-datalogic-DL0099", sysPath: sysPath, rules: try Self.rulesText())
            #expect(output.contains("Reading rules file: /etc/udev/rules.d/70-tl-lab.rules"), "\(output)")
            #expect(!output.contains("70-tl-lab.rules:"), "rules applied to \(sysPath):\n\(output)")
        }
    }

    @Test("a device the catalogue does not know gets nothing from our rules (control: the rules are really read)")
    func unknownDevice() async throws {
        // The same reader with its vendor id changed: no GROUP/MODE/LINK from 70-tl-lab.rules.
        let rules = try Self.rulesText()
        let output = try await Self.udevTest(description: "reader-ftdi-TL00042", sysPath: "\(Self.usb)/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0",
                                             rules: rules.replacingOccurrences(of: "\"0403\"", with: "\"ffff\""))
        #expect(output.contains("Reading rules file: /etc/udev/rules.d/70-tl-lab.rules"), "\(output)")
        #expect(!output.contains("tl-lab/reader-TL00042'"), "\(output)")
    }

    @Test("the real /dev and /run are untouched")
    func hostUntouched() async throws {
        let devBefore = ChildProcess.listing("/dev")
        let runBefore = ChildProcess.listing("/run")
        let udevDataBefore = ChildProcess.listing("/run/udev/data")
        _ = try await Self.udevTest(description: "reader-ftdi-TL00042", sysPath: "\(Self.usb)/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0",
                                    rules: try Self.rulesText())
        #expect(access("/dev/tl-lab", F_OK) != 0 || devBefore.contains("tl-lab"))
        #expect(ChildProcess.listing("/dev") == devBefore)
        #expect(ChildProcess.listing("/run") == runBefore)
        #expect(ChildProcess.listing("/run/udev/data") == udevDataBefore)
    }
}

/// What the rules test needs, found once.
enum RuleTestTools {
    static let unshare = ChildProcess.find("unshare")
    static let umockdevRun = ChildProcess.find("umockdev-run")
    static let udevadm = ChildProcess.find("udevadm")

    static let missing: [String] = {
        var missing: [String] = []
        if getuid() != 0 { missing.append("root (mount namespaces)") }
        if unshare == nil { missing.append("unshare (util-linux)") }
        if umockdevRun == nil { missing.append("umockdev-run (apt install umockdev)") }
        if udevadm == nil { missing.append("udevadm (apt install udev)") }
        return missing
    }()

    static var skipMessage: Comment { Comment(rawValue: "needs " + missing.joined(separator: ", ")) }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
