/// A catalogued device arriving or leaving, as `HotplugMonitor` reports it.
public struct HotplugEvent: Sendable, Hashable, CustomStringConvertible {
    public enum Action: String, Sendable, Hashable {
        /// udev "add": the device (its tty for serial roles) appeared.
        case added = "add"
        /// udev "remove": it went away (unplugged, or reset and re-enumerating).
        case removed = "remove"
    }

    public var action: Action
    /// The device. For `.removed`, what was known of it (its sysfs nodes are already gone).
    public var device: AttachedDevice
    /// For `.added`: a device with the same serial number left while this monitor was running,
    /// so this is the same unit coming back (re-plugged, or re-enumerated after a reset), perhaps
    /// under another node name. Drivers re-open it by serial, not by the old path.
    public var isReturn: Bool
    /// The udev subsystem the event was about: "tty" for serial roles, "input" for keyboard-mode
    /// scanners, "usb" otherwise.
    public var subsystem: String

    public init(action: Action, device: AttachedDevice, isReturn: Bool = false, subsystem: String) {
        self.action = action
        self.device = device
        self.isReturn = isReturn
        self.subsystem = subsystem
    }

    public var description: String {
        let serial = device.serialNumber ?? "-"
        let path = device.path ?? "-"
        let again = isReturn ? " (returned)" : ""
        return "\(action.rawValue) \(device.role) \(path) serial=\(serial) \(device.identity.idString)\(again)"
    }
}
