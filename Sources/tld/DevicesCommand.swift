import ArgumentParser
import DeviceIO
import Foundation

/// `tld devices`: the TL readers and barcode scanners attached, and (with --watch) hot-plug events.
struct Devices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the attached TL readers and barcode scanners; --watch follows plug and unplug.",
        discussion: """
            Finds devices through udev by USB vendor and product id (the catalogue of reader adapters \
            and scanner modes), and shows each one's role (reader, scanner-serial, scanner-hidpos, \
            scanner-keyboard), the node to open, its serial number, whether it can be used now, and \
            the udev symlinks (/dev/tl-lab/… once `tld udev install` has been run).

            Examples:
              tld devices
              tld devices --watch
              tld devices --reset TL00042     USB port reset of a hung reader adapter
            """)

    @Flag(name: .long, help: "After the list, print devices as they are plugged in and out, until interrupted.")
    var watch = false

    @Flag(name: .long, help: "Also list the catalogue of known USB ids.")
    var catalogue = false

    @Option(name: .long, help: ArgumentHelp(
        "Reset the attached device with this serial number (a USB port reset through libusb; needs write access "
            + "to its /dev/bus/usb node). For a hung reader adapter or scanner.", valueName: "serial"))
    var reset: String?

    func run() async throws {
        if let reset {
            guard let device = try DeviceDiscovery().device(serialNumber: reset) else {
                throw ValidationError("No TL reader or barcode scanner with serial number \(reset) is attached (see `tld devices`).")
            }
            let match = USBDeviceMatch(vendorID: device.identity.vendorID, productID: device.identity.productID, serialNumber: reset)
            let outcome = try USBEnumerator().reset(match)
            emit("\(device.role) \(device.identity.idString) serial \(reset): \(outcome)")
            return
        }
        if catalogue {
            emit("Known devices (vendor:product → role):")
            for model in DeviceCatalogue.lab.models {
                emit("  \(pad(model.idPattern, 11)) \(pad(model.role.rawValue, 20)) \(model.name)")
            }
            emit("")
        }
        // Start listening before listing, so nothing plugged in between is missed.
        let monitor = watch ? try await HotplugMonitor.start() : nil
        let devices = try DeviceDiscovery().attachedDevices()
        if devices.isEmpty {
            emit("No TL reader or barcode scanner is attached.")
        } else {
            emit("\(pad("ROLE", 20)) \(pad("PATH", 22)) \(pad("SERIAL", 14)) \(pad("USB ID", 10)) STATE")
            for device in devices {
                emit("\(pad(device.role.rawValue, 20)) \(pad(device.path ?? "-", 22)) \(pad(device.serialNumber ?? "-", 14)) "
                    + "\(pad(device.identity.idString, 10)) \(device.state)")
                if let link = device.labSymlink { emit("    link: \(link)") }
                if let advice = device.model.advice { emit("    note: \(advice)") }
            }
        }
        guard let monitor else { return }
        emit("Watching for plug and unplug (Ctrl-C to stop)…")
        for await event in monitor.events {
            let time = Self.timestamp()
            emit("\(time) \(event)")
        }
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }
}

/// Writes a line to stdout at once (print is block-buffered on a pipe, and --watch runs until killed).
private func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
