"""Helpers shared by the test suites of every app."""
