"""Audit trail: who changed what and when, for every write that matters."""
