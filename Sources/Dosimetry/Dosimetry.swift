// Dosimetry: see docs/ARCHITECTURE.md
