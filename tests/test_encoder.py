"""The encoder: unit vectors, the same vector for the same text in any batch, both backends agree."""

from pathlib import Path

import numpy as np
import pytest

from indexer.corpus import load_corpus
from indexer.encoder import Encoder, ModelLoadError
from settings import Settings

INDEX_FIXTURE = Path(__file__).parent / "fixtures" / "index_practices.jsonl"

pytestmark = pytest.mark.slow


def test_vectors_are_unit_length_float32_of_the_model_dimension(encoder):
    vectors = encoder.encode(["anti-rumour campaign", "language café for newcomers"])
    assert vectors.dtype == np.float32 and vectors.shape == (2, encoder.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_same_text_same_vector_whatever_the_batch(encoder):
    purposes = [p.purpose for p in load_corpus(INDEX_FIXTURE)]
    alone = encoder.encode(purposes[:1])[0]
    in_batch = encoder.encode(purposes)[0]
    assert np.dot(alone, in_batch) > 0.99999


def test_onnx_and_torch_agree_on_the_fixture(tmp_path):
    settings = Settings(onnx_dir=tmp_path / "unused")
    texts = [p.purpose for p in load_corpus(INDEX_FIXTURE)] + [p.description for p in load_corpus(INDEX_FIXTURE)]
    torch_enc = Encoder(settings.model_path, backend="torch", threads=1)
    onnx_enc = Encoder(settings.model_path, backend="onnx", threads=1, onnx_dir=Settings().onnx_dir)
    assert torch_enc.model_id == onnx_enc.model_id  # one embedding cache for both
    cosines = (torch_enc.encode(texts) * onnx_enc.encode(texts)).sum(axis=1)
    assert cosines.min() >= 0.999


def test_a_missing_model_is_one_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="cannot load model") as err:
        Encoder(str(tmp_path / "no-model"), backend="torch")
    assert "\n" not in str(err.value)
