"""The API's JSON parser: DRF's, plus the limits a hostile body must not get past.

- Nesting: ``[`` x 100,000 made the standard library raise ``RecursionError`` (a 500);
  any body nested deeper than ``MAX_DEPTH`` is a 400.
- Duplicate keys: ``{"title": "a", "title": "b"}`` silently kept the last value, so a
  proxy or log that reads the first one saw something else; it is a 400.
- NUL characters: ``"\\u0000"`` cannot be stored in PostgreSQL text; it is a 400 here
  rather than a database error later.
- Size: a JSON body never carries files, so it is read up to ``MAX_BYTES`` and no further.
"""

import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant

MAX_DEPTH = 32
MAX_BYTES = 1024 * 1024


class DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(f"the key {key[:50]!r} appears twice in one object")
        result[key] = value
    return result


def _check_depth_and_text(data) -> None:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError("JSON strings may not contain NUL (\\u0000) characters.")
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(f"JSON may be nested at most {MAX_DEPTH} levels deep.")
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                value = value.values()
            stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = stream.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise ParseError(f"A JSON body may be at most {MAX_BYTES // 1024} KiB.")
        try:
            data = json.loads(
                raw.decode(encoding),
                parse_constant=strict_constant if api_settings.STRICT_JSON else None,
                object_pairs_hook=_unique_keys,
            )
        except RecursionError:
            raise ParseError(f"JSON may be nested at most {MAX_DEPTH} levels deep.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        _check_depth_and_text(data)
        return data
