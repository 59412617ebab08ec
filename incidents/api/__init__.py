"""The incident REST API under /api/v1/incidents/."""
