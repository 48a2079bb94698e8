"""The fixed topic vocabulary of the Intercultural Cities good-practice database."""

TOPICS: tuple[str, ...] = (
    "Education",
    "Neighbourhoods",
    "Public services",
    "Business and employment",
    "Cultural and civic life",
    "Public space",
    "Mediation and conflict resolution",
    "Language",
    "Media and communication",
    "International outlook",
    "Intercultural competence",
    "Welcoming newcomers",
    "Leadership and citizenship",
    "Anti-discrimination",
    "Participation",
    "Anti-rumours",
    "Refugees and asylum seekers",
    "Roma and Travellers",
    "Religion and interfaith dialogue",
    "Gender equality",
    "Youth",
    "Sport",
    "Health",
    "Housing",
    "Governance and strategy",
)

_BY_LOWER = {t.lower(): t for t in TOPICS}


def canonical_topic(name: str) -> str | None:
    """The vocabulary spelling of a topic, matched case-insensitively; None when unknown."""
    return _BY_LOWER.get(name.strip().lower())
