"""Fixtures for the retrieval library tests live in tests/conftest.py (shared with the actions tests)."""
