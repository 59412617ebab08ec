"""Demo data: the people, teams and reference data of a small company's service desk.

Everything here is idempotent (get_or_create on natural keys), so loading twice
creates no duplicates. Record-type apps add their loaders to ``LOADERS``.
"""
