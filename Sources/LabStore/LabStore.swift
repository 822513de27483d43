// LabStore: see docs/ARCHITECTURE.md
