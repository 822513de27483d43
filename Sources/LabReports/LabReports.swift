// LabReports: see docs/ARCHITECTURE.md
