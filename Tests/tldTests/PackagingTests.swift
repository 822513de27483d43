import Foundation
import TestSupport
import Testing

/// Issue 18, `make deb`: the fast pieces of the packaging script on the built (debug) programs — the
/// staged tree, the control file, the maintainer scripts, the completions, and the systemd units
/// through `systemd-analyze verify`. The release build and `dpkg-deb --build` itself are too slow for
/// the test suite; docs/packaging.md records a full build, its `dpkg-deb -I` and lintian.
@Suite("Debian package: staged tree, control file, units, completions", .serialized)
struct PackagingTests {
    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test("scripts/build-deb.sh stages the programs, udev rules, units, user, completions and a control file with the runtime dependencies")
    func stagedTree() async throws {
        let dir = try TemporaryDirectory("tld-deb")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let binDir = tld.executable.deletingLastPathComponent().path
        let stage = dir.path("stage")
        let script = try await ProductRunner(executable: RepoPaths.file("scripts/build-deb.sh"))
            .run(["--bin-dir", binDir, "--stage-only", stage, "--no-man"], in: dir.url)  // the script goes to the repository itself
        try #require(script.status == 0, "build-deb.sh: \(script.stderr)")

        let version = try await tld.run(["--version"], in: dir.url).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let control = try Self.text(stage + "/DEBIAN/control")
        var fields: [String: String] = [:]
        for line in control.split(separator: "\n") where !line.hasPrefix(" ") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        #expect(fields["Package"] == "tld" && fields["Version"] == version && !version.isEmpty, "\(control)")
        #expect(fields["Architecture"]?.isEmpty == false && fields["Maintainer"]?.contains("<") == true)
        #expect(fields["Description"]?.isEmpty == false && Int(fields["Installed-Size"] ?? "") ?? 0 > 0)
        let depends = Set((fields["Depends"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? "" })
        for package in ["libc6", "libusb-1.0-0", "libudev1", "libsqlite3-0", "systemd", "udev", "init-system-helpers"] {
            #expect(depends.contains(package), "Depends lacks \(package): \(fields["Depends"] ?? "")")
        }
        // Every file the package holds, with mode and place.
        let expected = ["usr/bin/tld", "usr/bin/tl-reader-sim", "usr/lib/udev/rules.d/70-tl-lab.rules",
                        "usr/lib/systemd/system/tld-portal.service", "usr/lib/systemd/system/tld-backup.timer",
                        "usr/lib/systemd/system/tld-dispatch.timer", "usr/lib/systemd/system/tld-overdue.timer",
                        "usr/lib/sysusers.d/tld.conf", "usr/lib/tmpfiles.d/tld.conf", "etc/tld/tld.env",
                        "usr/share/doc/tld/copyright", "usr/share/doc/tld/changelog.gz"]
        for file in expected { #expect(FileManager.default.fileExists(atPath: stage + "/" + file), "missing \(file)") }
        #expect(FileManager.default.isExecutableFile(atPath: stage + "/usr/bin/tld"))
        #expect(try Self.text(stage + "/usr/lib/udev/rules.d/70-tl-lab.rules") == Self.text(RepoPaths.file("udev/70-tl-lab.rules").path))
        #expect(try Self.text(stage + "/DEBIAN/conffiles") == "/etc/tld/tld.env\n")
        #expect(try Self.text(stage + "/DEBIAN/md5sums").contains("  usr/bin/tld\n"))
        let sysusers = try Self.text(stage + "/usr/lib/sysusers.d/tld.conf")
        #expect(sysusers.contains("u tld - ") && sysusers.contains("m tld dialout") && sysusers.contains("m tld plugdev"))

        // Maintainer scripts: valid sh; the rules applied on install; the lab's data never removed.
        let postinst = try Self.text(stage + "/DEBIAN/postinst")
        #expect(postinst.contains("udevadm trigger") && postinst.contains("systemd-sysusers tld.conf") && postinst.contains("systemd-tmpfiles --create tld.conf"))
        for script in ["postinst", "prerm", "postrm"] {
            let check = try await ProductRunner(executable: URL(fileURLWithPath: "/bin/sh")).run(["-n", stage + "/DEBIAN/" + script], in: dir.url)
            #expect(check.status == 0, "\(script): \(check.stderr)")
        }
        #expect(try !Self.text(stage + "/DEBIAN/postrm").contains("rm -"), "postrm must not delete the lab's data")
        // The units' enable links recorded on install and removed on purge (debhelper's postinst-systemd and
        // postrm-systemd): the container walk found timers.target.wants links left after purge without them.
        #expect(postinst.contains("deb-systemd-helper update-state"))
        let postrm = try Self.text(stage + "/DEBIAN/postrm")
        #expect(postrm.contains("deb-systemd-helper mask") && postrm.contains("deb-systemd-helper purge") && postrm.contains("deb-systemd-helper unmask"))

        // Completions generated by swift-argument-parser, for every subcommand (backup among them).
        let bash = try Self.text(stage + "/usr/share/bash-completion/completions/tld")
        let zsh = try Self.text(stage + "/usr/share/zsh/vendor-completions/_tld")
        let fish = try Self.text(stage + "/usr/share/fish/vendor_completions.d/tld.fish")
        #expect(bash.contains("_tld()") && bash.contains("complete -o filenames -F _tld tld") || bash.contains("-F _tld tld"), "\(bash.prefix(300))")
        #expect(zsh.hasPrefix("#compdef tld"))
        #expect(fish.contains("complete -c 'tld'"))
        for subcommand in ["backup", "restore", "verify", "dispatch", "readout"] {
            #expect(bash.contains(subcommand) && zsh.contains(subcommand) && fish.contains(subcommand), "completions lack \(subcommand)")
        }
        #expect(try Self.text(stage + "/usr/share/fish/vendor_completions.d/tl-reader-sim.fish").contains("complete -c 'tl-reader-sim'"))
    }

    @Test("the systemd units pass systemd-analyze verify, and the portal runs hardened as the tld user")
    func systemdUnits() async throws {
        let dir = try TemporaryDirectory("tld-units")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let analyze = try #require(["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "systemd-analyze missing (scripts/install-deps.sh installs systemd)")
        // The units name /usr/bin/tld, which is not installed here: verify copies that name the built tld.
        let folder = RepoPaths.file("packaging/systemd").path
        var units: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where name.hasSuffix(".service") || name.hasSuffix(".timer") {
            let text = try Self.text(folder + "/" + name).replacingOccurrences(of: "/usr/bin/tld", with: tld.executable.path)
            try text.write(toFile: dir.path(name), atomically: true, encoding: .utf8)
            units.append(dir.path(name))
        }
        #expect(units.count == 7, "\(units)")
        let verify = try await ProductRunner(executable: URL(fileURLWithPath: analyze)).run(["verify", "--man=no"] + units, in: dir.url)
        #expect(verify.status == 0 && verify.stderr.isEmpty && verify.stdout.isEmpty, "systemd-analyze verify: \(verify.stdout)\(verify.stderr)")

        let portal = try Self.text(folder + "/tld-portal.service")
        for line in ["User=tld", "Group=tld", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "StateDirectory=tld",
                     "ExecStart=/usr/bin/tld serve", "ProtectHome=yes", "CapabilityBoundingSet="] {
            #expect(portal.contains(line), "tld-portal.service lacks \(line)")
        }
        #expect(try Self.text(folder + "/tld-backup.service").contains("ExecStart=/usr/bin/tld backup --out"))
        #expect(try Self.text(folder + "/tld-backup.timer").contains("OnCalendar=*-*-* 02:15:00"))
    }
}
