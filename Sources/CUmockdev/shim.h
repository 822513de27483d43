// umockdev's test-bed API, plus what Swift cannot import by itself: the usbfs ioctl request
// numbers (function-like _IOR/_IOWR macros) and g_signal_connect (a macro), as inline functions.
#include <umockdev.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>

static inline unsigned long cumockdev_usbdevfs_submiturb(void) { return USBDEVFS_SUBMITURB; }
static inline unsigned long cumockdev_usbdevfs_reapurb(void) { return USBDEVFS_REAPURB; }
static inline unsigned long cumockdev_usbdevfs_reapurbndelay(void) { return USBDEVFS_REAPURBNDELAY; }
static inline unsigned long cumockdev_usbdevfs_discardurb(void) { return USBDEVFS_DISCARDURB; }
static inline unsigned long cumockdev_usbdevfs_get_capabilities(void) { return USBDEVFS_GET_CAPABILITIES; }
static inline unsigned long cumockdev_usbdevfs_claiminterface(void) { return USBDEVFS_CLAIMINTERFACE; }
static inline unsigned long cumockdev_usbdevfs_releaseinterface(void) { return USBDEVFS_RELEASEINTERFACE; }
static inline unsigned long cumockdev_usbdevfs_disconnect_claim(void) { return USBDEVFS_DISCONNECT_CLAIM; }
static inline unsigned long cumockdev_usbdevfs_ioctl(void) { return USBDEVFS_IOCTL; }
static inline unsigned long cumockdev_usbdevfs_getdriver(void) { return USBDEVFS_GETDRIVER; }
static inline unsigned long cumockdev_usbdevfs_reset(void) { return USBDEVFS_RESET; }
static inline unsigned long cumockdev_usbdevfs_setinterface(void) { return USBDEVFS_SETINTERFACE; }
static inline unsigned long cumockdev_usbdevfs_clear_halt(void) { return USBDEVFS_CLEAR_HALT; }
/// The inner request of a USBDEVFS_IOCTL (USBDEVFS_CONNECT re-attaches the kernel driver, USBDEVFS_DISCONNECT detaches it).
static inline unsigned long cumockdev_usbdevfs_connect(void) { return USBDEVFS_CONNECT; }
static inline unsigned long cumockdev_usbdevfs_disconnect(void) { return USBDEVFS_DISCONNECT; }

typedef gboolean (*cumockdev_ioctl_handler)(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user_data);

/// g_signal_connect_after(handler, "handle-ioctl", callback, user_data), as libusb's tests/umockdev.c does.
static inline gulong cumockdev_connect_handle_ioctl(UMockdevIoctlBase *handler, cumockdev_ioctl_handler callback, gpointer user_data) {
    return g_signal_connect_after(handler, "handle-ioctl", G_CALLBACK(callback), user_data);
}
