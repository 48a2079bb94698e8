"""Text -> L2-normalised vectors with a local sentence-transformers model (PyTorch or ONNX Runtime).

    >>> enc = Encoder(packaged_model_path(), backend="torch", threads=1)   # doctest: +SKIP
    >>> enc.encode_passages(["anti-rumour campaign"]).shape                # doctest: +SKIP
    (1, 384)

Models trained with prompts (multilingual-e5: "query: " / "passage: ") get them through
`query_prompt` and `passage_prompt`; MiniLM is symmetric and uses none.

Nothing here downloads: the model is a local directory, and the ONNX backend exports that
directory once into `onnx_dir` (a temporary sibling renamed into place, so a crash never leaves
half an export behind).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from settings import packaged_model_path

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Backend = Literal["torch", "onnx"]
ONNX_FILE = "onnx/model.onnx"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def model_id_for(model_path: str) -> str:
    """A stable id for a model: its name plus a digest of its weights.

    The digest makes the id change when the weights do, so an index or an embedding cache
    built with other weights is never taken for this model's. Cheap to call without loading it.
    """
    path = Path(model_path)
    if not path.is_dir():
        return model_path  # a hub name; offline mode resolves it from the local cache
    name = "all-MiniLM-L6-v2" if str(path) == packaged_model_path() else path.name
    digest = hashlib.sha256()
    for part in ("config.json", *_WEIGHT_FILES):
        file = path / part
        if file.is_file():
            with open(file, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    return f"{name}@{digest.hexdigest()[:16]}"


class ModelLoadError(Exception):
    """The configured model is missing or unreadable (offline: nothing is downloaded instead)."""


class LockedTokenizer:
    """A private copy of the model's tokenizer, one caller at a time.

    Hugging Face fast tokenizers keep truncation settings as mutable state: passage splitting (no
    truncation) racing the model's own encode (truncation on) in another thread returns wrong
    offsets. The copy keeps the two apart; the lock keeps concurrent splitters apart.
    """

    def __init__(self, tokenizer: Any):
        self._tokenizer = copy.deepcopy(tokenizer)
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return self._tokenizer(*args, **kwargs)


class Encoder:
    """One loaded model; `encode` is the only way the project turns text into vectors."""

    def __init__(
        self,
        model_path: str,
        backend: Backend = "torch",
        threads: int | None = None,
        *,
        name: str = "minilm",
        onnx_dir: Path = Path("models/onnx"),
        batch_size: int = 32,
        query_prompt: str = "",
        passage_prompt: str = "",
    ):
        if backend not in ("torch", "onnx"):
            raise ValueError(f"unknown encoder backend {backend!r} (use 'torch' or 'onnx')")
        self.name = name
        self.model_path = str(model_path)
        self.backend: str = backend
        self.query_prompt, self.passage_prompt = query_prompt, passage_prompt
        self.threads = threads
        self.batch_size = batch_size
        self.model_id = model_id_for(self.model_path) + (f"+{query_prompt}|{passage_prompt}" if query_prompt else "")
        try:
            self.model = self._load(Path(onnx_dir))
        except (OSError, ValueError) as err:
            raise ModelLoadError(f"cannot load model {model_path!r}: {str(err).splitlines()[0]}") from err
        self.dim: int = int(self.model.get_embedding_dimension() or 0)
        if not self.model.max_seq_length:
            raise ModelLoadError(f"model {model_path!r} declares no maximum sequence length")
        self.max_tokens: int = int(self.model.max_seq_length)
        self.tokenizer = LockedTokenizer(self.model.tokenizer)

    def _load(self, onnx_dir: Path) -> SentenceTransformer:
        from sentence_transformers import SentenceTransformer

        if self.backend == "torch":
            import torch

            if self.threads:
                torch.set_num_threads(self.threads)  # process-wide: the encoder owns the CPU budget
            return SentenceTransformer(self.model_path, device="cpu", backend="torch")
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads or 0
        options.inter_op_num_threads = 1
        export = self._onnx_export(onnx_dir)
        return SentenceTransformer(
            str(export),
            device="cpu",
            backend="onnx",
            model_kwargs={"file_name": ONNX_FILE, "session_options": options, "provider": "CPUExecutionProvider"},
        )

    def _onnx_export(self, onnx_dir: Path) -> Path:
        """Export the local model to ONNX once; later loads reuse the cached export."""
        target = onnx_dir / self.model_id.replace("/", "--").replace("@", "-")
        if (target / ONNX_FILE).is_file():
            return target
        from sentence_transformers import SentenceTransformer

        onnx_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=onnx_dir))
        try:
            quiet = logging.getLogger("sentence_transformers")
            level = quiet.level
            quiet.setLevel(logging.ERROR)  # the exporter's "save me" advice is what we do next
            try:
                SentenceTransformer(self.model_path, device="cpu", backend="onnx").save(str(tmp))
            finally:
                quiet.setLevel(level)
            try:
                os.rename(tmp, target)
            except OSError:
                if not (target / ONNX_FILE).is_file():  # lost a race to a complete export: fine
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return target

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Word pieces per text, special tokens included: what the model window must hold."""
        ids = self.tokenizer(texts, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
        return [len(x) for x in ids]

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prompt + t for t in texts], show_progress=False)

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encode([self.passage_prompt + t for t in texts], show_progress=show_progress)

    def _encode(self, texts: list[str], *, show_progress: bool) -> np.ndarray:
        """float32 (n, dim), unit length, so inner product = cosine."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
