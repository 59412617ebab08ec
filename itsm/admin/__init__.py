"""The staff console: shared building blocks, and the reference-data pages.

Django's admin autodiscovery imports this package; importing :mod:`itsm.admin.reference`
registers the reference-data admins. The building blocks, by concern:

- :mod:`~itsm.admin.refusals`: service refusals as form errors; forms saved through services
- :mod:`~itsm.admin.history`: read-only history with diffs; admins nobody writes through
- :mod:`~itsm.admin.transitions`: transition buttons and their input pages
- :mod:`~itsm.admin.bulk`: bulk actions that run a transition per selected record
- :mod:`~itsm.admin.people`: the people search for person fields
- :mod:`~itsm.admin.contributions`: comment and attachment inlines, operations and lists
- :mod:`~itsm.admin.columns`: list columns and filters shared by record changelists
- :mod:`~itsm.admin.approvals`: approval policies and tracks
- :mod:`~itsm.admin.records`: :class:`~itsm.admin.records.RecordAdmin`, which a record
  type's admin subclasses
"""

from itsm.admin import approvals, profiles, reference  # noqa: F401  (registers their admins)
