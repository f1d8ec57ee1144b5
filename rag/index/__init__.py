"""Indexing: embedders, the vector-index interface and its backends, BM25, the atomic on-disk store."""
