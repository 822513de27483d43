// ReaderProtocol: see docs/ARCHITECTURE.md
