// DeviceIO: see docs/ARCHITECTURE.md
