"""The API's token authentication: django-rest-knox, refusing malformed tokens first.

Kept apart from the token views: DRF imports authentication classes while it sets up
its own views, so this module must not import them.
"""

import re

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from rest_framework import exceptions

# Knox tokens are hexadecimal (after an optional prefix). Anything else is refused before
# it reaches a query: a NUL made PostgreSQL raise (a 500), a non-UTF-8 byte made knox raise.
TOKEN_SHAPE = re.compile(rb"[A-Za-z0-9_-]{1,128}")


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of the class above (drf-spectacular matches exactly)."""

    target_class = TokenAuthentication
