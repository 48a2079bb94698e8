"""Words never highlighted in a snippet: function words carry no content ("how", "about", "what").

The keyword index drops bm25s' short English list (33 words) at build time; a query such as
"how can cities talk about migration" still brings "how", "can" and "about" through, and marking
them in every snippet is noise. English function words, plus a few of the commonest ones in the
widget's other languages that are not also English content words.
"""

_ENGLISH = """
a about above across after afterwards again against all almost alone along already also although always am
among amongst an and another any anyhow anyone anything anyway anywhere are around as at be became because
become becomes becoming been before beforehand behind being below beside besides between beyond both but by
can cannot could did do does doing done down during each either else elsewhere enough etc even ever every
everyone everything everywhere except few for from further had has have having he hence her here hereby
herein hers herself him himself his how however i ie if in indeed into is it its itself just least less
many may me meanwhile might mine more moreover most mostly much must my myself namely neither never
nevertheless next no nobody none nor not nothing now nowhere of off often on once one only onto or other
others otherwise our ours ourselves out over own per perhaps please quite rather re same seem seemed seeming
seems several she should since so some somehow someone something sometime sometimes somewhere still such
than that the their theirs them themselves then thence there thereafter thereby therefore therein thereupon
these they this those though through throughout thru thus to together too toward towards under until up
upon us very via was we were what whatever when whence whenever where whereafter whereas whereby wherein
whereupon wherever whether which while whither who whoever whole whom whose why will with within without
would yet you your yours yourself yourselves
"""

_OTHER = """
le la les des du et une aux dans sur avec est sont qui que quoi comment pourquoi
el los las del y una uno con por para como qué cómo
der die das den dem und ein eine mit von zu im ist wie was
il lo gli della delle di che con per come
os uma um com para como não
"""

ENGLISH = frozenset(_ENGLISH.split())
OTHER = frozenset(_OTHER.split())
STOP_WORDS = ENGLISH | OTHER


def is_stop_word(word: str) -> bool:
    return word.casefold() in STOP_WORDS
