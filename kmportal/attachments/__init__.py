"""Attached documents: type checked from content, stored under instance/ with generated names."""
