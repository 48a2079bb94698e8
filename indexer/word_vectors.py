"""The corpus words the multilingual encoder embeds at build time: a bridge from other languages to BM25.

The corpus is English, and BM25 over its stems is the strongest signal for an English query but
none for one in French or Greek. e5 puts a word near its translations ("médiateurs" next to
"mediators", "Flüchtlinge" next to "refugees"), so ranking/word_bridge.py replaces each word of
such a query by the closest of these words and lets BM25 read the result. Only words of at least
MIN_PRACTICES practices are candidates: names and one-off words ("tsymbaliuk") otherwise attract
foreign words they have nothing to do with (dev half: translated queries 0.735 nDCG@10 against
0.716 with every word, and 0.666 without the bridge).
"""

from collections.abc import Mapping

MULTILINGUAL = "e5"  # the encoder that reads every language; the only one whose word vectors are built
MIN_PRACTICES = 2
MIN_LENGTH = 3  # shorter words carry no content, on either side of the bridge


def bridge_words(vocabulary: Mapping[str, int]) -> list[str]:
    """Sorted corpus words (keyword vocabulary: word -> practices it occurs in) worth a vector."""
    return sorted(w for w, n in vocabulary.items() if n >= MIN_PRACTICES and len(w) >= MIN_LENGTH and w.isalpha())
