/// One catalogue entry: a USB vendor and product id (or a family of product ids) and what a device
/// with those ids is to the lab.
public struct DeviceModel: Sendable, Hashable, CustomStringConvertible {
    /// idVendor, e.g. 0x0403 (FTDI).
    public var vendorID: UInt16
    /// idProduct, compared under `productIDMask`.
    public var productID: UInt16
    /// Which bits of idProduct must equal `productID`: 0xFFFF for one product id, 0x00FF for a
    /// family whose low byte names the interface mode (Newland: `xx03` keyboard, `xx06` CDC).
    public var productIDMask: UInt16
    /// What the device is.
    public var role: DeviceRole
    /// A human name, e.g. "Honeywell scanner, USB serial (bi-directional)".
    public var name: String
    /// What to do about it, for modes the lab cannot use or should not (e.g. keyboard emulation).
    public var advice: String?

    public init(
        vendorID: UInt16, productID: UInt16, productIDMask: UInt16 = 0xFFFF,
        role: DeviceRole, name: String, advice: String? = nil
    ) {
        self.vendorID = vendorID
        self.productID = productID
        self.productIDMask = productIDMask
        self.role = role
        self.name = name
        self.advice = advice
    }

    /// Whether a device with these ids is this model.
    public func matches(vendorID: UInt16, productID: UInt16) -> Bool {
        vendorID == self.vendorID && (productID & productIDMask) == (self.productID & productIDMask)
    }

    /// "0403:6001" or "1eab:xx06" for a family.
    public var idPattern: String {
        let vendor = hex4(vendorID)
        switch productIDMask {
        case 0xFFFF: return "\(vendor):\(hex4(productID))"
        case 0x00FF: return "\(vendor):xx\(String(hex4(productID).suffix(2)))"
        default: return "\(vendor):\(hex4(productID))/\(hex4(productIDMask))"
        }
    }

    public var description: String { "\(idPattern) \(role) (\(name))" }
}

/// Four lower-case hex digits, as udev and lsusb print USB ids.
func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
