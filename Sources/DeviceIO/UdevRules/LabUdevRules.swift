/// The lab's udev rules, `udev/70-tl-lab.rules`, built into the program so `tld udev install`
/// works from an installed binary. DeviceIOTests checks that this text equals the file.
public enum LabUdevRules {
    /// The file name: numbered 70, before systemd's 73-seat-late.rules.
    public static let fileName = "70-tl-lab.rules"

    /// The rules.
    public static let text = """
# TL dosimetry lab: the TL card reader's USB-serial adapters and the barcode scanners, in each of
# their USB modes (a scanner reconfigured to another interface mode changes its product id).
# Ids: systemd hwdb 20-usb-vendor-model.hwdb; the same list is Sources/DeviceIO/Catalogue/DeviceCatalogue.swift.
#
# For each device:
#   * GROUP dialout (ttys) or plugdev (usb_device, hidraw, evdev of keyboard-mode scanners), MODE 0660: members of the group, never everyone.
#   * a stable symlink keyed by the USB serial number: /dev/tl-lab/reader-<serial>, /dev/tl-lab/scanner-<serial>.
#   * ENV{ID_MM_DEVICE_IGNORE}="1" on the tty AND on the usb_device, so ModemManager never probes the port
#     with AT commands (it looks at the usb_device too).
# Numbered 70, before 73-seat-late.rules, so a TAG+="uaccess" added here would still be applied.
# Install: see udev/README.md (`tld udev install`).

ACTION=="remove", GOTO="tl_lab_end"
SUBSYSTEM!="tty|usb|hidraw|input", GOTO="tl_lab_end"

# ---- usb_device nodes (/dev/bus/usb/BBB/DDD): libusb descriptors, reset, HID POS reading ----
SUBSYSTEM!="usb", GOTO="tl_lab_usb_end"
ENV{DEVTYPE}!="usb_device", GOTO="tl_lab_usb_end"
# TL reader adapters: FTDI FT232R, Silicon Labs CP210x
ATTR{idVendor}=="0403", ATTR{idProduct}=="6001", ENV{TL_LAB_ROLE}="reader"
ATTR{idVendor}=="10c4", ATTR{idProduct}=="ea60", ENV{TL_LAB_ROLE}="reader"
# Honeywell/Metrologic: 0204 keyboard, 0700/0720 serial
ATTR{idVendor}=="0c2e", ATTR{idProduct}=="0204|0700|0720", ENV{TL_LAB_ROLE}="scanner"
# Zebra/Symbol: 1200 HID, 1701 CDC, 1900 SNAPI
ATTR{idVendor}=="05e0", ATTR{idProduct}=="1200|1701|1900", ENV{TL_LAB_ROLE}="scanner"
# Datalogic: 2206 keyboard emulation, 4204 RS-232 emulation
ATTR{idVendor}=="05f9", ATTR{idProduct}=="2206|4204", ENV{TL_LAB_ROLE}="scanner"
# Newland: low byte of idProduct is the mode: xx03 keyboard, xx06 CDC, xx10 HID POS
ATTR{idVendor}=="1eab", ATTR{idProduct}=="??03|??06|??10", ENV{TL_LAB_ROLE}="scanner"
ENV{TL_LAB_ROLE}=="?*", GROUP="plugdev", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"
GOTO="tl_lab_end"
LABEL="tl_lab_usb_end"

# ---- ttys: reader adapters and scanners in USB serial (CDC-ACM, RS-232 emulation) mode ----
SUBSYSTEM!="tty", GOTO="tl_lab_tty_end"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ENV{TL_LAB_ROLE}="reader"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="10c4", ATTRS{idProduct}=="ea60", ENV{TL_LAB_ROLE}="reader"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="0c2e", ATTRS{idProduct}=="0700|0720", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="05e0", ATTRS{idProduct}=="1701", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="05f9", ATTRS{idProduct}=="4204", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="1eab", ATTRS{idProduct}=="??06", ENV{TL_LAB_ROLE}="scanner"
ENV{TL_LAB_ROLE}!="?*", GOTO="tl_lab_end"
GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"
ENV{TL_LAB_ROLE}=="reader", SUBSYSTEMS=="usb", ATTRS{serial}=="?*", SYMLINK+="tl-lab/reader-$attr{serial}"
ENV{TL_LAB_ROLE}=="scanner", SUBSYSTEMS=="usb", ATTRS{serial}=="?*", SYMLINK+="tl-lab/scanner-$attr{serial}"
GOTO="tl_lab_end"
LABEL="tl_lab_tty_end"

# ---- hidraw: scanners in HID POS or keyboard mode (HID POS is read through libusb; the symlink
# ---- names the unit, and hidraw access lets a diagnostic tool read it without root) ----
SUBSYSTEM!="hidraw", GOTO="tl_lab_hidraw_end"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="0c2e", ATTRS{idProduct}=="0204", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="05e0", ATTRS{idProduct}=="1200", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="05f9", ATTRS{idProduct}=="2206", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="1eab", ATTRS{idProduct}=="??03|??10", ENV{TL_LAB_ROLE}="scanner"
ENV{TL_LAB_ROLE}!="?*", GOTO="tl_lab_end"
GROUP="plugdev", MODE="0660"
SUBSYSTEMS=="usb", ATTRS{serial}=="?*", SYMLINK+="tl-lab/scanner-$attr{serial}"
GOTO="tl_lab_end"
LABEL="tl_lab_hidraw_end"

# ---- evdev: scanners in keyboard mode. tld intake reads /dev/input/eventN with an exclusive grab
# ---- (EVIOCGRAB); LIBINPUT_IGNORE_DEVICE keeps the desktop (libinput: Wayland, X) from ever taking
# ---- their key presses as typing (https://wayland.freedesktop.org/libinput/doc/latest/ignoring-devices.html).
SUBSYSTEM!="input", GOTO="tl_lab_end"
KERNEL!="event[0-9]*", GOTO="tl_lab_end"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="0c2e", ATTRS{idProduct}=="0204", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="05e0", ATTRS{idProduct}=="1200", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="05f9", ATTRS{idProduct}=="2206", ENV{TL_LAB_ROLE}="scanner"
SUBSYSTEMS=="usb", ATTRS{idVendor}=="1eab", ATTRS{idProduct}=="??03", ENV{TL_LAB_ROLE}="scanner"
ENV{TL_LAB_ROLE}!="?*", GOTO="tl_lab_end"
GROUP="plugdev", MODE="0660", ENV{LIBINPUT_IGNORE_DEVICE}="1"
SUBSYSTEMS=="usb", ATTRS{serial}=="?*", SYMLINK+="tl-lab/scanner-$attr{serial}-keys"

LABEL="tl_lab_end"

"""
}
