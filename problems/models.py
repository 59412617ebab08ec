"""Models arrive with this record type's issue."""
