import ArgumentParser
import DeviceIO
import Foundation

/// `tld udev`: the lab's udev rules (groups, 0660 modes, /dev/tl-lab symlinks, ModemManager ignore).
struct Udev: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udev",
        abstract: "Install or show the lab's udev rules for TL readers and barcode scanners.",
        subcommands: [Install.self, Show.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy 70-tl-lab.rules into the udev rules directory and reload udev.",
            discussion: """
                Writes the built-in rules (the same as udev/70-tl-lab.rules) to RULES-DIR, then runs \
                `udevadm control --reload`. Needs root. Already plugged devices get the new permissions \
                when re-plugged or after `udevadm trigger`. Add the lab's user to the dialout and plugdev groups.
                """)

        @Option(name: .long, help: ArgumentHelp("Where udev reads local rules.", valueName: "dir"))
        var rulesDir = "/etc/udev/rules.d"

        @Flag(name: .long, help: "Only print what would be done.")
        var dryRun = false

        func run() throws {
            let installer = UdevRulesInstaller(rulesDirectory: rulesDir)
            if dryRun {
                print("Would:")
                for step in installer.plan() { print("  \(step)") }
                return
            }
            for step in try installer.install() { print("did: \(step)") }
            print("Re-plug the devices, or run: udevadm trigger --subsystem-match=tty --subsystem-match=usb --subsystem-match=hidraw")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the rules (\(LabUdevRules.fileName)).")

        func run() throws {
            print(LabUdevRules.text, terminator: "")
        }
    }
}
