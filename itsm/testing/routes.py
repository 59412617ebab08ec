"""Walk every URL pattern of the project and build a concrete path for each.

Used by the route-sweeping tests (anonymous access, cross-user canaries), so a route
added later is checked without editing them.
"""

import itertools
import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, converters, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

SAMPLE_BY_CONVERTER = {
    converters.IntConverter: "1",
    converters.UUIDConverter: str(uuid.uuid4()),
    converters.SlugConverter: "x",
    converters.StringConverter: "x",
    converters.PathConverter: "1",
}
FALLBACK_SAMPLES = ["1", "x", str(uuid.uuid4())]
SUFFIX_SAMPLES = [".json", ".json/"]


@dataclass(frozen=True)
class Route:
    """One URL pattern and a concrete path built to reach it (None if none could be)."""

    pattern: str
    name: str
    path: str | None


def group_choices(regex: str, name: str) -> list[str]:
    """Literal alternatives of a named group such as ``(?P<app_label>auth|itsm)``."""
    found = re.search(rf"\(\?P<{re.escape(name)}>([\w|-]+)\)", regex)
    return found.group(1).split("|") if found else []


def samples_for(level, name: str, samples: dict) -> list[str]:
    converter = getattr(level.pattern, "converters", {}).get(name)
    if type(converter) in samples:
        return [samples[type(converter)]]
    if converter is not None:
        # A converter some library registered (DRF's format suffix): whatever fits it.
        return [s for s in SUFFIX_SAMPLES + FALLBACK_SAMPLES if re.fullmatch(converter.regex, s)]
    first = ["json"] if name == "format" else []
    return first + group_choices(level.pattern.regex.pattern, name) + FALLBACK_SAMPLES


def build_path(levels: list, leaf: URLPattern, samples: dict) -> str | None:
    """A path that the resolver maps to ``leaf``'s view, trying sample values in turn."""
    slots = []
    for level in levels:
        template, params = normalize(level.pattern.regex.pattern)[0]
        slots.append((template, [[(p, s) for s in samples_for(level, p, samples)] for p in params]))
    per_level = [
        [template % dict(combo) for combo in itertools.product(*choices)]
        for template, choices in slots
    ]
    for pieces in itertools.product(*per_level):
        path = "/" + "".join(pieces)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.func == leaf.callback:
            return path
    return None


def walk(patterns=None, levels=(), namespace="", samples=None):
    """Every route below ``patterns`` (the whole project by default).

    ``samples`` maps a path converter class to the value to put in its place.
    """
    patterns = get_resolver().url_patterns if patterns is None else patterns
    samples = SAMPLE_BY_CONVERTER if samples is None else samples
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, (*levels, entry), inner, samples)
        elif isinstance(entry, URLPattern):
            chain = [*levels, entry]
            name = f"{namespace}{entry.name}" if entry.name else ""
            pattern = "".join(str(level.pattern) for level in chain)
            yield Route(pattern, name, build_path(chain, entry, samples))
