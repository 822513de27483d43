// CSerial: the few termios/pty/ioctl calls Swift's Glibc module cannot reach.
// Only prototypes here: <asm/termbits.h> and <linux/input.h> stay in cserial.c, because
// importing them next to <termios.h> breaks the Glibc module (see docs/hardware-testing notes).
#ifndef CSERIAL_H
#define CSERIAL_H

/// posix_openpt(O_RDWR|O_NOCTTY|O_CLOEXEC) + grantpt + unlockpt.
/// Returns the master fd, or -1 with errno set.
int cserial_open_pty_master(void);

/// ptsname_r of a pty master into buf. Returns 0, or an errno value.
int cserial_pty_slave_name(int master_fd, char *buf, unsigned long buflen);

/// The one pseudo-terminal opener of the simulators (the driver's DeviceIO.PseudoTerminalPair goes
/// through its own mockable syscall layer instead): cserial_open_pty_master, ptsname_r of the slave
/// into slave_path, then the slave opened (O_RDWR|O_NOCTTY|O_CLOEXEC|O_NONBLOCK) and set raw
/// (cfmakeraw; 115200 8N1, CLOCAL|CREAD, no RTS/CTS or XON/XOFF flow control). The slave descriptor is
/// returned in *slave_fd when slave_fd is not NULL, else closed.
/// Returns the master fd, or -1 with errno set and *failed_call naming the call that failed
/// ("posix_openpt", "ptsname_r", "open", "tcgetattr" or "tcsetattr").
int cserial_open_pty(char *slave_path, unsigned long buflen, int *slave_fd, const char **failed_call);

/// Set an arbitrary input/output speed through termios2 (TCGETS2/TCSETS2, BOTHER).
/// Returns 0, or -1 with errno set.
int cserial_set_custom_baud(int fd, unsigned int baud);

/// Read back the output speed through termios2. Returns the speed, or 0 with errno set.
unsigned int cserial_get_baud(int fd);

/// EVIOCGRAB on an evdev node (grab = 1) or release (grab = 0). Returns 0, or -1 with errno set.
int cserial_evdev_grab(int fd, int grab);

/// strerrorname_np: the symbolic name of an errno value ("EIO"), or NULL if unknown (glibc >= 2.32).
const char *cserial_errno_name(int errnum);

/// eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK): a counter fd used to wake a poll. Returns the fd, or -1 with errno set.
int cserial_eventfd_open(void);

#endif
