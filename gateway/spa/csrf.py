"""CSRF protection for every POST under /spa: the session cookie's token must come back in the form.

The token lives in the signed session cookie (so it cannot be set by another site) and in a hidden
`csrf_token` field of every form; a POST whose field is missing or different is refused with 403.
SameSite=Strict on the cookie is a second line of defence, not the only one.
"""

from __future__ import annotations

import hmac

FIELD = "csrf_token"
MAX_TOKEN_CHARS = 200


def tokens_match(expected: str | None, submitted: object) -> bool:
    """Constant-time comparison; anything but a non-empty string of sensible length fails."""
    if not expected or not isinstance(submitted, str) or not submitted or len(submitted) > MAX_TOKEN_CHARS:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


class CsrfError(Exception):
    """The form's token did not match the session's: answered with a 403 page."""
