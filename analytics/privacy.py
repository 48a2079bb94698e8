"""What of a person's query may be kept: normalised text, truncated, with contact details blanked out.

    >>> keep("  Roma   School\\tMEDIATORS ", 200)
    ('roma school mediators', False)
    >>> keep("call me on +44 20 7946 0958 or ana@example.org", 200)
    ('call me on <number> or <email>', False)

The analytics store never holds an address, a user agent, a cookie or any identifier of a person; a
query is the only free text a person sends, so it is the one place such details could slip in.
"""

import re
import unicodedata

EMAIL = re.compile(r"\S+@\S+\.\w+")
# Six or more digits, possibly with spaces, dots, dashes or a leading +: phone, card, ID numbers.
NUMBER = re.compile(r"\+?\d(?:[\s.\-/]?\d){5,}")
SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, case-folded, one space between words: "Roma  mediators" and "roma mediators" are one query."""
    return SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def scrub(text: str) -> str:
    """E-mail addresses and long numbers (phone, card, ID numbers) blanked out."""
    return NUMBER.sub("<number>", EMAIL.sub("<email>", text))


def keep(text: str, max_chars: int) -> tuple[str, bool]:
    """(the query text the store may keep, whether it was truncated)."""
    kept = scrub(normalise(text))
    if len(kept) <= max_chars:
        return kept, False
    return kept[:max_chars].rstrip(), True
