"""Mediation cases (filled by the mediation issue)."""
