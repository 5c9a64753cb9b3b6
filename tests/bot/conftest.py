"""The dialogue tests use the shared stack fixtures (tests/stack_fixtures.py)."""
