"""The engine currently serving, swapped atomically on reload; writers are serialised.

A worker also follows CURRENT: when another worker, a replica's publisher or the CLI switches the index,
the next request after `follow_interval_s` starts loading that build in the background and swaps it in
when ready; requests keep being answered from the previous engine meanwhile.
"""

import functools
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from indexer.encoders import TextEncoder
from indexer.format import IndexLoadError
from indexer.index import Index
from indexer.store import current_build
from indexer.vocabulary import Vocabulary, VocabularyError, listing_file, load_vocabulary
from indexer.word_vectors import MULTILINGUAL
from ranking import RankingConfig, SearchEngine
from ranking.lexicon import is_real_word
from search_service.metrics import Metrics
from settings import Settings

log = logging.getLogger("search_service")


def load_engine(settings: Settings, encoders: list[TextEncoder]) -> SearchEngine:
    """Raises IndexLoadError with one sentence when the index is missing, corrupt or for other encoders."""
    index = Index.load(settings.index, {e.name: e.model_id for e in encoders})
    is_real_word("warm")  # loads the word lists now (about 13 s once), not in the first query's time limit
    try:
        return SearchEngine(index, encoders, RankingConfig.from_settings(settings), _vocabulary(settings, encoders))
    except (ValueError, KeyError, IndexError, TypeError, RuntimeError) as err:
        # files that pass their checksums can still disagree with each other (a hand-edited manifest)
        reason = str(err).splitlines()[0] if str(err) else ""
        raise IndexLoadError(
            f"index build {index.build_id} is inconsistent ({type(err).__name__}: {reason}); "
            "rebuild with `indexer build`."
        ) from None


def _vocabulary(settings: Settings, encoders: list[TextEncoder]) -> Vocabulary | None:
    """The foreign vocabulary `indexer vocabulary` made for this e5 model, if any: without it a foreign query's
    words are embedded as they come, slower but ranked the same."""
    e5 = next((e for e in encoders if e.name == MULTILINGUAL), None)
    if e5 is None or not settings.foreign_vocabulary_words:
        return None
    folder = Path(settings.vocabulary_dir)
    try:
        stat = listing_file(folder, e5.name).stat()
        return _loaded(folder, e5.name, e5.model_id, (stat.st_mtime_ns, stat.st_size))
    except (VocabularyError, OSError) as err:
        reason = err if isinstance(err, VocabularyError) else f"no vocabulary for {e5.name} in {folder}"
        log.warning("%s; foreign queries embed their words as they come (run `indexer vocabulary`)", reason)
        return None


@functools.lru_cache(maxsize=2)
def _loaded(folder: Path, encoder: str, model_id: str, listing_stamp: tuple[int, int]) -> Vocabulary:
    """Checked and mapped once per version of the listing (a new vocabulary replaces it), not again at every
    index swap: an admin edit's reload would otherwise hash 130 MB."""
    return load_vocabulary(folder, encoder, model_id)


@dataclass
class ServiceState:
    """Requests read `engine` once and keep using that object, so a swap never shows them a half state."""

    settings: Settings
    encoders: list[TextEncoder]
    engine: SearchEngine
    metrics: Metrics
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _checked_at: float = 0.0
    _seen: str = ""  # the CURRENT build last acted on, loaded or refused

    def __post_init__(self) -> None:
        self.metrics.index_loaded(self.engine)

    def reload(self) -> SearchEngine:
        engine = load_engine(self.settings, self.encoders)
        self.engine = engine
        self.metrics.index_loaded(engine)
        return engine

    def follow_current(self) -> None:
        """Cheap enough for every request: at most one small file read per interval."""
        interval = self.settings.follow_interval_s
        now = time.monotonic()
        if not interval or now - self._checked_at < interval:
            return
        self._checked_at = now
        try:
            build = current_build(Path(self.settings.index))
        except OSError as err:
            if self._seen != "unreadable":  # logged once, not at every interval
                self._seen = "unreadable"
                log.warning("index CURRENT unreadable (%s); previous index still serving", err)
            return
        if build is None or build.name in (self.engine.index.build_id, self._seen):
            return
        if not self.write_lock.acquire(blocking=False):
            return  # a write or reload is under way; look again at the next interval
        self._seen = build.name
        threading.Thread(target=self._load_followed, args=(build.name,), daemon=True).start()

    def _load_followed(self, name: str) -> None:
        try:
            self.reload()
        except IndexLoadError as err:
            log.warning("index build %s not loaded, previous index still serving: %s", name, err)
        except Exception as err:  # a daemon thread's exception would only reach stderr as a traceback
            log.warning(
                "index build %s not loaded (%s: %s), previous index still serving", name, type(err).__name__, err
            )
        finally:
            self.write_lock.release()
