// LabWorkflow: see docs/ARCHITECTURE.md
