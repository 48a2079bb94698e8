"""The FAISS vector index: exact inner product for small corpora, HNSW for large ones.

Row r of the index is passage r; `passage_practice[r]` maps it back to a practice position.
Vectors are unit length, so inner product is cosine similarity.
"""

import faiss
import numpy as np


def make_index(vectors: np.ndarray, flat_max: int, hnsw_m: int, ef_construction: int, ef_search: int) -> faiss.Index:
    """IndexFlatIP up to `flat_max` vectors (exact, and fast enough there), IndexHNSWFlat above."""
    dim = vectors.shape[1]
    if len(vectors) <= flat_max:
        index: faiss.Index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        index.hnsw.efSearch = ef_search
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def index_type(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSWFlat) else "flat"
