#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <asm/termbits.h>
#include <linux/input.h>
#include "cserial.h"

int cserial_open_pty_master(void) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0) {
        int saved = errno;
        (void)close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int cserial_pty_slave_name(int master_fd, char *buf, unsigned long buflen) {
    return ptsname_r(master_fd, buf, (size_t)buflen);
}

int cserial_open_pty(char *slave_path, unsigned long buflen, int *slave_fd, const char **failed_call) {
    int master = cserial_open_pty_master();
    if (master < 0) { *failed_call = "posix_openpt"; return -1; }
    int rc = ptsname_r(master, slave_path, (size_t)buflen);
    if (rc != 0) { (void)close(master); errno = rc; *failed_call = "ptsname_r"; return -1; }
    int slave = open(slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (slave < 0) { int e = errno; (void)close(master); errno = e; *failed_call = "open"; return -1; }
    struct termios2 t;
    const char *step = NULL;
    if (ioctl(slave, TCGETS2, &t) != 0) {
        step = "tcgetattr";
    } else {
        /* cfmakeraw, as glibc does it, then 115200 8N1 with the receiver on and no flow control. */
        t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY);
        t.c_oflag &= ~OPOST;
        t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
        t.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS | CBAUD);
        t.c_cflag |= CS8 | CLOCAL | CREAD | B115200;
        t.c_ispeed = 115200;
        t.c_ospeed = 115200;
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        if (ioctl(slave, TCSETS2, &t) != 0) step = "tcsetattr";
    }
    if (step != NULL) {
        int e = errno;
        (void)close(slave);
        (void)close(master);
        errno = e;
        *failed_call = step;
        return -1;
    }
    if (slave_fd != NULL) *slave_fd = slave; else (void)close(slave);
    return master;
}

int cserial_set_custom_baud(int fd, unsigned int baud) {
    struct termios2 t;
    if (ioctl(fd, TCGETS2, &t) != 0) return -1;
    t.c_cflag &= ~CBAUD;
    t.c_cflag |= BOTHER;
    t.c_ispeed = baud;
    t.c_ospeed = baud;
    return ioctl(fd, TCSETS2, &t);
}

unsigned int cserial_get_baud(int fd) {
    struct termios2 t;
    if (ioctl(fd, TCGETS2, &t) != 0) return 0;
    return t.c_ospeed;
}

int cserial_evdev_grab(int fd, int grab) {
    return ioctl(fd, EVIOCGRAB, grab);
}

const char *cserial_errno_name(int errnum) {
    return strerrorname_np(errnum);
}

int cserial_eventfd_open(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}
