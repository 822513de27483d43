import Glibc
import Testing
@testable import DeviceIO

/// Discovery on this machine, checked against what sysfs says directly.
@Suite("Discovery on the real machine (libudev, libusb)")
struct DiscoveryTests {
    /// Entries of a sysfs directory.
    static func entries(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    @Test("USB ttys: exactly the /sys/class/tty entries that sit under a USB device")
    func usbSerialPorts() throws {
        let ports = try UdevEnumerator().serialPorts()
        let expected = Self.entries("/sys/class/tty").filter { name in
            guard let real = Self.realPath("/sys/class/tty/\(name)") else { return false }
            return real.contains("/usb") && access("/sys/class/tty/\(name)/dev", F_OK) == 0
        }.map { "/dev/\($0)" }
        #expect(Set(ports.map(\.devnode)) == Set(expected))
        for port in ports {
            let usb = try #require(port.usb)
            #expect(usb.vendorID != 0)
        }
    }

    @Test("all ttys: one per /sys/class/tty entry with a dev attribute, none without a devnode")
    func allTTYs() throws {
        let ports = try UdevEnumerator(scope: .all).serialPorts()
        let expected = Self.entries("/sys/class/tty").filter { access("/sys/class/tty/\($0)/dev", F_OK) == 0 }
        #expect(ports.count == expected.count)
        #expect(ports.allSatisfy { $0.devnode.hasPrefix("/dev/") && $0.sysPath.hasPrefix("/sys/") })
        #expect(ports.map(\.devnode) == ports.map(\.devnode).sorted())
        if access("/sys/class/tty/ptmx", F_OK) == 0 {
            #expect(ports.contains { $0.devnode == "/dev/ptmx" && $0.usb == nil })
        }
    }

    @Test("USB devices: one per /sys/bus/usb/devices device (not interface), ids non-zero")
    func usbDevices() throws {
        let devices = try USBEnumerator().devices()
        let expected = Self.entries("/sys/bus/usb/devices").filter { !$0.contains(":") }
        #expect(devices.count == expected.count)
        #expect(devices.allSatisfy { $0.busNumber > 0 })
        #expect(devices.map { [$0.busNumber, $0.address] }.elementsEqual(
            devices.map { [$0.busNumber, $0.address] }.sorted { $0.lexicographicallyPrecedes($1) }))
    }

    @Test("discovery errors say what failed")
    func errorMessages() {
        #expect(DiscoveryError.udevUnavailable(call: "udev_new").description.contains("udev_new"))
        #expect(DiscoveryError.udev(.noSuchFileOrDirectory, call: "udev_enumerate_scan_devices").description
            .contains("ENOENT"))
        let usb = DiscoveryError.usb(code: -3, name: "LIBUSB_ERROR_ACCESS", call: "libusb_open").description
        #expect(usb.contains("LIBUSB_ERROR_ACCESS") && usb.contains("libusb_open"))
    }
}
