// GlowCurve: see docs/ARCHITECTURE.md
