"""How long a value a person types may be: the same for the JSON API (``web.api_models``),
the staff forms and the command line (``cli.main``), so that no entrypoint takes what another
refuses. Import rule: standard library only.
"""

from __future__ import annotations

import unicodedata

ID_MAX = 2**31 - 1
"""The largest id or number of a stored row (the databases' integer columns)."""

SHORT = 200
"""A name, an organisation, a label, a code or its word."""
LINE = 500
"""A title, a place, a note, who decides when and where."""
TEXT = 20_000
"""A summary, a suggestion's text, a justification, a report."""
EMAIL = 320
"""An e-mail address (RFC 5321's longest path)."""
PATH = 4096
"""A file or folder name on the command line (Linux's PATH_MAX)."""


# Characters that show nothing: controls, format characters (zero-width space, joiners, marks
# of direction), separators, private use and unassigned code points.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})


def visible(text: str) -> bool:
    """Whether ``text`` shows at least one character (a title of zero-width spaces does not)."""
    return any(unicodedata.category(c) not in _INVISIBLE for c in text)
