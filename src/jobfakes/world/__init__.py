"""The synthetic worlds: seeded generation, clock, canonical model and SQLite store."""
