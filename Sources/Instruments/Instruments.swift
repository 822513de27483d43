// Instruments: see docs/ARCHITECTURE.md
