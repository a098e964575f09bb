"""Admin screens."""
