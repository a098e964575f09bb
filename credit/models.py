"""Credit subjects and records (filled by the credit issue)."""
