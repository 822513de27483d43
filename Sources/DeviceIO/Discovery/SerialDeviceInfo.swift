/// A serial (tty) device as udev describes it.
public struct SerialDeviceInfo: Sendable, Equatable, Hashable {
    /// The device node, e.g. `/dev/ttyUSB0`: what `SerialPort.open(path:)` takes.
    public var devnode: String
    /// The sysfs path, e.g. `/sys/devices/pci0000:00/…/ttyUSB0/tty/ttyUSB0`.
    public var sysPath: String
    /// The symlinks udev made to `devnode` (udev_device_get_devlinks_list_entry), e.g.
    /// `/dev/serial/by-id/usb-FTDI_…-if00-port0` and our rules' `/dev/labtl/reader-TL00042`.
    /// Empty when udevd is not running (a container) or the rules made none.
    public var devlinks: [String]
    /// The USB device the tty belongs to, or nil for a non-USB tty.
    public var usb: USBIdentity?
    /// The kernel driver of the USB interface (`ftdi_sio`, `cdc_acm`), when known.
    public var driver: String?
    /// Whether udev tagged it `ID_MM_DEVICE_IGNORE=1` (ModemManager keeps away).
    public var ignoredByModemManager: Bool

    public init(
        devnode: String, sysPath: String, devlinks: [String] = [], usb: USBIdentity? = nil,
        driver: String? = nil, ignoredByModemManager: Bool = false
    ) {
        self.devnode = devnode
        self.sysPath = sysPath
        self.devlinks = devlinks
        self.usb = usb
        self.driver = driver
        self.ignoredByModemManager = ignoredByModemManager
    }
}

/// What identifies a USB device: ids and descriptor strings.
public struct USBIdentity: Sendable, Equatable, Hashable {
    /// idVendor, e.g. 0x0403 (FTDI).
    public var vendorID: UInt16
    /// idProduct, e.g. 0x6001 (FT232).
    public var productID: UInt16
    /// The serial number (udev `ID_SERIAL_SHORT`, else the usb_device's `serial` attribute).
    public var serialNumber: String?
    /// The manufacturer string (iManufacturer), when the device has one.
    public var manufacturer: String?
    /// The product string (iProduct), when the device has one.
    public var product: String?

    public init(vendorID: UInt16, productID: UInt16, serialNumber: String? = nil, manufacturer: String? = nil, product: String? = nil) {
        self.vendorID = vendorID
        self.productID = productID
        self.serialNumber = serialNumber
        self.manufacturer = manufacturer
        self.product = product
    }
}
