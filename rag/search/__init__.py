"""Searching: the retriever over a corpus, fusion of the dense and lexical rankings, reranking."""
