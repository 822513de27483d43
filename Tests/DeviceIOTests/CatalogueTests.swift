import Glibc
import TestSupport
import Testing
@testable import DeviceIO

@Suite("Device catalogue and udev rules installer")
struct CatalogueTests {
    @Test("ids map to roles; the Newland family matches on the low byte only", arguments: [
        (UInt16(0x0403), UInt16(0x6001), DeviceRole?.some(.reader)),
        (0x10C4, 0xEA60, .reader),
        (0x0C2E, 0x0720, .scannerSerial),
        (0x0C2E, 0x0204, .scannerKeyboard),
        (0x05E0, 0x1701, .scannerSerial),
        (0x05E0, 0x1900, .scannerUnsupported),
        (0x05F9, 0x4204, .scannerSerial),
        (0x1EAB, 0x0110, .scannerHIDPOS),
        (0x1EAB, 0x2306, .scannerSerial),
        (0x1EAB, 0x0103, .scannerKeyboard),
        (0x1EAB, 0x0111, nil),
        (0x0403, 0x6015, nil),
        (0x046D, 0xC52B, nil),
    ])
    func roles(vendor: UInt16, product: UInt16, role: DeviceRole?) {
        #expect(DeviceCatalogue.lab.model(vendorID: vendor, productID: product)?.role == role)
    }

    @Test("id patterns print as udev and lsusb do")
    func patterns() throws {
        let newland = try #require(DeviceCatalogue.lab.model(vendorID: 0x1EAB, productID: 0x0110))
        #expect(newland.idPattern == "1eab:xx10")
        #expect(DeviceCatalogue.lab.model(vendorID: 0x0403, productID: 0x6001)?.idPattern == "0403:6001")
    }

    @Test("every catalogue entry is matched by udev/70-tl-lab.rules")
    func rulesCoverCatalogue() {
        let rules = LabUdevRules.text
        for model in DeviceCatalogue.lab.models {
            let vendor = String(model.idPattern.prefix(4))
            let product = String(model.idPattern.suffix(4)).replacingOccurrences(of: "xx", with: "??")
            let usbLine = rules.split(separator: "\n").contains {
                $0.hasPrefix("ATTR{idVendor}==\"\(vendor)\"") && $0.contains(product)
            }
            #expect(usbLine, "no usb_device rule for \(model)")
            if model.role.isSerial || model.role == .scannerHIDPOS || model.role == .scannerKeyboard {
                let nodeLine = rules.split(separator: "\n").contains {
                    $0.contains("ATTRS{idVendor}==\"\(vendor)\"") && $0.contains(product)
                }
                #expect(nodeLine, "no tty/hidraw rule for \(model)")
            }
        }
        #expect(!rules.contains("0666"))
    }

    @Test("the built-in rules are the file udev/70-tl-lab.rules")
    func builtInRulesMatchFile() throws {
        let file = try #require(ChildProcess.readFile("\(ChildProcess.packageRoot)/udev/70-tl-lab.rules"))
        #expect(file == LabUdevRules.text)
    }

    @Test("install writes the rules (0644) and runs the reload command; a second plan sees them unchanged")
    func install() throws {
        let directory = try ChildProcess.makeTemporaryDirectory()
        defer { ChildProcess.removeTree(directory) }
        let installer = UdevRulesInstaller(rulesDirectory: directory, reloadCommand: ["/bin/true"])
        #expect(installer.plan().first == .write(path: "\(directory)/70-tl-lab.rules", bytes: LabUdevRules.text.utf8.count,
                                                 replacing: false, unchanged: false))
        _ = try installer.install()
        #expect(ChildProcess.readFile(installer.path) == LabUdevRules.text)
        var info = stat()
        #expect(stat(installer.path, &info) == 0 && info.st_mode & 0o777 == 0o644)
        guard case .write(_, _, true, true) = installer.plan().first else {
            Issue.record("second plan: \(installer.plan())")
            return
        }
        #expect(ChildProcess.listing(directory) == [".", "..", "70-tl-lab.rules"])  // no temporary left
    }

    @Test("a failing reload and a missing directory are reported")
    func installFailures() throws {
        let directory = try ChildProcess.makeTemporaryDirectory()
        defer { ChildProcess.removeTree(directory) }
        #expect(throws: UdevInstallError.reloadFailed(command: ["/bin/false"], status: 1)) {
            try UdevRulesInstaller(rulesDirectory: directory, reloadCommand: ["/bin/false"]).install()
        }
        #expect(ChildProcess.readFile("\(directory)/70-tl-lab.rules") == LabUdevRules.text)  // written before the reload
        #expect(throws: UdevInstallError.noDirectory("\(directory)/missing")) {
            try UdevRulesInstaller(rulesDirectory: "\(directory)/missing", reloadCommand: ["/bin/true"]).install()
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
