/// The devices the lab knows, as data: TL-reader USB-serial adapters and barcode scanners in each
/// of their USB modes. A scanner reconfigured to another interface mode changes its product id,
/// so every mode is listed (and the udev rules in `udev/70-tl-lab.rules` list the same ids).
///
/// Sources for the ids: the systemd hwdb `/usr/lib/udev/hwdb.d/20-usb-vendor-model.hwdb`
/// (systemd 252, Debian 12; generated from usb.ids), `ID_MODEL_FROM_DATABASE` values:
/// * 0403:6001 "FT232 Serial (UART) IC"; 10c4:ea60 "CP210x UART Bridge".
/// * 0c2e:0204 "Metrologic MS7120 Barcode Scanner (keyboard mode)", 0c2e:0700 "… (uni-directional
///   serial mode)", 0c2e:0720 "… (bi-directional serial mode)".
/// * 05e0:1200 "Bar Code Scanner" (Symbol's HID keyboard-emulation default), 05e0:1701 "Bar Code
///   Scanner (CDC)", 05e0:1900 "SNAPI Imaging Device" (Symbol's proprietary protocol).
/// * 05f9:2206 "Gryphon series (keyboard emulation mode)", 05f9:4204 "Gryphon series (RS-232 emulation mode)".
/// * 1eab:0103 "HR200 Barcode scanner engine (HID keyboard)", 1eab:0106 "… (Serial CDC)",
///   1eab:0110 "… (HID Pos)": Newland's low byte names the mode across its models
///   (shared/notes/hardware-testing.md §3.3), hence the `xx03`/`xx06`/`xx10` families.
public struct DeviceCatalogue: Sendable, Hashable {
    /// The entries, searched in order: put exact product ids before families.
    public var models: [DeviceModel]

    public init(models: [DeviceModel]) {
        self.models = models
    }

    /// The first model matching the ids, or nil for a device the lab does not know.
    public func model(vendorID: UInt16, productID: UInt16) -> DeviceModel? {
        models.first { $0.matches(vendorID: vendorID, productID: productID) }
    }

    /// The lab's catalogue.
    public static let lab = DeviceCatalogue(models: [
        // TL reader adapters
        DeviceModel(vendorID: 0x0403, productID: 0x6001, role: .reader, name: "FTDI FT232R USB-serial (TL reader)"),
        DeviceModel(vendorID: 0x10C4, productID: 0xEA60, role: .reader, name: "Silicon Labs CP210x USB-serial (TL reader)"),
        // Honeywell / Metrologic
        DeviceModel(vendorID: 0x0C2E, productID: 0x0204, role: .scannerKeyboard, name: "Honeywell scanner, keyboard mode",
                    advice: keyboardAdvice),
        DeviceModel(vendorID: 0x0C2E, productID: 0x0700, role: .scannerSerial, name: "Honeywell scanner, USB serial (uni-directional)"),
        DeviceModel(vendorID: 0x0C2E, productID: 0x0720, role: .scannerSerial, name: "Honeywell scanner, USB serial (bi-directional)"),
        // Zebra / Symbol
        DeviceModel(vendorID: 0x05E0, productID: 0x1200, role: .scannerKeyboard, name: "Zebra scanner, HID keyboard",
                    advice: keyboardAdvice),
        DeviceModel(vendorID: 0x05E0, productID: 0x1701, role: .scannerSerial, name: "Zebra scanner, USB CDC"),
        DeviceModel(vendorID: 0x05E0, productID: 0x1900, role: .scannerUnsupported, name: "Zebra scanner, SNAPI",
                    advice: "SNAPI is not supported: scan the 'USB CDC Host' programming bar code from the scanner's guide."),
        // Datalogic
        DeviceModel(vendorID: 0x05F9, productID: 0x2206, role: .scannerKeyboard, name: "Datalogic Gryphon, keyboard emulation",
                    advice: keyboardAdvice),
        DeviceModel(vendorID: 0x05F9, productID: 0x4204, role: .scannerSerial, name: "Datalogic Gryphon, RS-232 emulation"),
        // Newland: the low byte of idProduct is the interface mode
        DeviceModel(vendorID: 0x1EAB, productID: 0x0003, productIDMask: 0x00FF, role: .scannerKeyboard,
                    name: "Newland scanner, HID keyboard", advice: keyboardAdvice),
        DeviceModel(vendorID: 0x1EAB, productID: 0x0006, productIDMask: 0x00FF, role: .scannerSerial,
                    name: "Newland scanner, USB CDC"),
        DeviceModel(vendorID: 0x1EAB, productID: 0x0010, productIDMask: 0x00FF, role: .scannerHIDPOS,
                    name: "Newland scanner, HID POS"),
    ])

    static let keyboardAdvice = "Keyboard mode: tld intake reads it for itself alone (EVIOCGRAB), so scans do not type into "
        + "other windows; give its keyboard layout with --keyboard-layout (us or dk). USB serial (CDC) or HID POS mode, "
        + "set with the scanner's programming bar codes, needs no layout."
}
