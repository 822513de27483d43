// DeviceIO: serial ports, pseudo-terminals and device discovery for the TL lab (docs/ARCHITECTURE.md).
//
// Public:
//   SerialPort            an open serial device (actor on its own thread): open, write, read, drain, flush, close
//   SerialPort.Configuration   speed, character format, flow control (8N1 115200 by default)
//   SerialError           why a serial/pty call failed, one case per reason
//   PseudoTerminalPair    a pty master for tests and simulators; its slave path is what a driver opens
//   UdevEnumerator        tty devices with USB identity and udev symlinks (libudev)
//   USBEnumerator         USB devices with their descriptors (libusb)
//   DiscoveryError        why listing devices failed
//   Catalogue/            DeviceCatalogue (USB ids → DeviceRole, as data), DeviceDiscovery (catalogued devices
//                         attached now, with tty/hidraw/input nodes, symlinks and DeviceState), AttachedDevice
//   Hotplug/              HotplugMonitor (udev netlink monitor on its own thread → AsyncStream<HotplugEvent>;
//                         a device coming back is recognised by its serial number), DeviceArrival.wait
//                         (a device by serial number: now, or when it is plugged in, or nil after a timeout)
//   USB/                  HIDInterruptDevice (a HID interface claimed through libusb, kernel driver detached),
//                         USBEnumerator.reset (libusb_reset_device), HIDReportDescriptor, USBError, USBDeviceMatch
//   UdevRules/            LabUdevRules (udev/70-tl-lab.rules built in), UdevRulesInstaller (tld udev install)
//
// Internals/ (in the manner of apple/swift-system):
//   Syscalls.swift        one thin function per C call, each checked first against a SyscallMock in debug builds
//   Mocking.swift         SyscallMock: task-local fault injection (EINTR, EIO, ENOTTY, …) and call trace
//   ErrnoResult.swift     -1 + errno → Result<_, Errno>, with EINTR retry as an explicit parameter
//   TerminalDescriptor    open/lock/configure/read/write/poll on one fd; errno → SerialError happens here
//   DedicatedThreadExecutor, WakeSignal   a thread per device actor; an eventfd to cancel a blocked poll
//   Udev.swift, LibUSB.swift              the only files that see libudev / libusb pointers (UdevMonitorHandle,
//                                         LibUSBHandle: open by ids + serial, claim, interrupt/control transfers)
