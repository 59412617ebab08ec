"""Shared constants for the incident API tests."""

API = "/api/v1/incidents/"
