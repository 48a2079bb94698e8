"""Split a published city field into the city names a filter should find it under.

"Amadora, Loures and Oeiras" -> three cities; "Lutsk (with Pavlohrad and Lublin)" -> three;
"Tenerife (El Fraile)" -> the island and the district; "(national level)" -> none.
"""

import re

from indexer.countries import split_names

# Parenthesised notes that describe a role rather than name a place.
_ROLE_WORDS = re.compile(r"\b(lead|coordinating|national level|city|network|municipality)\b", re.IGNORECASE)


def _clean(name: str) -> str:
    return re.sub(r"\s+districts?$", "", name.strip(), flags=re.IGNORECASE).strip()


def city_names(city: str) -> list[str]:
    names: list[str] = []
    main = re.sub(r"\([^)]*\)", " ", city).strip()
    if main and not re.search(r"\bnetwork\b", main, re.IGNORECASE):
        names.extend(_clean(n) for n in split_names(main))
    elif main:
        names.append(main)
    for note in re.findall(r"\(([^)]*)\)", city):
        with_part = re.search(r"\bwith\s+(.*)$", note, re.IGNORECASE)
        if with_part:
            names.extend(_clean(n) for n in split_names(with_part.group(1)))
        elif not _ROLE_WORDS.search(note) and not note.isupper():
            names.append(_clean(note))
    return [n for n in dict.fromkeys(names) if n]
