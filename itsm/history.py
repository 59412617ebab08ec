"""Reading history rows: what the transition that wrote a row was given as its reason."""


def transition_reason(row) -> str:
    """The free text after ``name:`` in a transition's change reason ('' if none)."""
    reason = row.history_change_reason or ""
    prefix = f"{row.history_transition}:"
    if row.history_transition and reason.startswith(prefix):
        return reason[len(prefix) :].strip()
    return ""
