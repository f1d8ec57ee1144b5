"""Learned fusion, title context and rerankers, with the fake embedder (no model needed)."""

import json
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder

from rag import Config, Retriever
from rag.errors import ModelError, RagError
from rag.ingest.context import indexed_text
from rag.search.ranking import FEATURES, RANKER_FILE, features, load_ranker
from rag.search.rerank import make_reranker, register


def build(corpus, tmp_path, fake, **kw):
    return Retriever.build(corpus, tmp_path / "index", embedder=fake, **kw)


def test_the_bundled_ranker_matches_the_features():
    data = json.loads(RANKER_FILE.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert len(data["coef"]) == len(data["mean"]) == len(data["scale"]) == len(FEATURES)
    assert data["fitted_on"].startswith("train split")
    # the defaults are the fitted setting
    assert (data["chunk_tokens"], data["title_context"]) == (Config().chunk_tokens, Config().title_context)
    ranker = load_ranker()
    assert ranker.score(np.zeros((3, len(FEATURES)))).shape == (3,)
    x = np.random.default_rng(0).normal(size=(4, len(FEATURES)))
    assert np.allclose(ranker.score(x), 1 / (1 + np.exp(-ranker.log_odds(x))))


def test_a_ranker_fitted_on_other_features_is_refused(tmp_path):
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps({"features": ["dense"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0}))
    with pytest.raises(RagError, match="refit it"):
        load_ranker(path)
    with pytest.raises(RagError, match="cannot read"):
        load_ranker(tmp_path / "missing.json")


def test_features_are_finite_for_one_candidate_and_no_bm25_match():
    x = features(np.array([0.3]), np.array([0.0]), np.array([0.3]), ["a"], np.array([10]), 0.0)
    assert x.shape == (1, len(FEATURES)) and np.isfinite(x).all()


def test_candidates_carry_one_feature_row_each(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake, config=Config(chunk_tokens=24))
    ids, x = retriever.candidate_features("ceasefire talks in Geneva", depth=50)
    assert len(ids) == len(set(ids)) == x.shape[0] and x.shape[1] == len(FEATURES)
    assert set(ids) <= set(retriever.chunks)
    hub = [FEATURES.index("hub_mean"), FEATURES.index("hub_neighbours")]
    assert np.array_equal(x[:, hub], retriever.corpus.hubness(ids))
    only, _ = retriever.candidate_features("ceasefire talks in Geneva", depth=50, doc_ids=["beta.md"])
    assert only and {retriever.chunks[i].doc_id for i in only} == {"beta.md"}


def test_chunks_are_indexed_with_their_title_but_stay_exact(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake, config=Config(chunk_tokens=24))
    doc = retriever.documents["alpha.txt"]
    later = [c for c in retriever.corpus.doc_chunks("alpha.txt") if doc.title not in c.text]
    assert later, "the small corpus should give chunks past the title"
    for chunk in later:
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert indexed_text(chunk, doc).startswith(doc.title.rstrip("…"))
        assert indexed_text(chunk, doc, with_title=False) == chunk.text
    # A word of the title finds a passage that does not contain it, unless titles are left out.
    mediator = next(c.chunk_id for c in later if "mediator" in c.text)
    assert "stall" not in retriever.chunks[mediator].text
    assert mediator in {h.chunk_id for h in retriever.search("stall", k=50, mode="bm25")}
    untitled = Config(chunk_tokens=24, title_context=False)
    plain = Retriever.build(corpus, tmp_path / "plain", embedder=fake, config=untitled)
    assert mediator not in {h.chunk_id for h in plain.search("stall", k=50, mode="bm25")}


@pytest.mark.parametrize("fusion", ["learned", "convex"])
def test_both_fusions_search_and_filter(corpus, tmp_path, fake, fusion):
    retriever = build(corpus, tmp_path, fake, config=Config(chunk_tokens=24, fusion=fusion))
    hits = retriever.search("central bank interest rates", k=3)
    assert hits and hits[0].doc_id == "gamma.txt"
    assert all(h.doc_id == "beta.md" for h in retriever.search("interest rates", k=5, doc_ids=["beta.md"]))


def test_unknown_fusion_is_refused():
    with pytest.raises(RagError, match="unknown fusion"):
        Config(fusion="magic")


class Shortest:
    """A fake reranker: the shortest passage first."""

    def __init__(self, arg: str) -> None:
        self.name = f"shortest:{arg}"
        self.calls = 0

    def score(self, query, passages):
        self.calls += 1
        return [-len(p) for p in passages]


def test_a_registered_reranker_reorders_the_top_passages(corpus, tmp_path, fake):
    register("shortest", Shortest)
    retriever = build(corpus, tmp_path, fake, config=Config(chunk_tokens=24))
    plain = retriever.search("ceasefire talks in Geneva", k=5)
    retriever.use_reranker("shortest:x")
    reranked = retriever.search("ceasefire talks in Geneva", k=5)
    assert [len(h.text) for h in reranked] == sorted(len(h.text) for h in reranked)
    assert len(reranked) == len(plain)
    assert retriever.reranker() is retriever.reranker()  # made once
    assert all(h.text == Path(h.source).read_text(encoding="utf-8")[h.start : h.end] for h in reranked)


def test_the_reranker_is_not_saved_with_the_index(corpus, tmp_path, fake):
    register("shortest", Shortest)
    build(corpus, tmp_path, fake, config=Config(chunk_tokens=24, reranker="shortest:x"))
    assert Retriever.load(tmp_path / "index", embedder=FakeEmbedder()).config.reranker is None


def test_a_cross_encoder_that_cannot_load_says_what_to_do(monkeypatch):
    reranker = make_reranker("cross-encoder:/no/such/model")
    with pytest.raises(ModelError, match="leave --reranker out"):
        reranker.score("q", ["a passage"])
    with pytest.raises(ModelError, match="empty"):
        make_reranker(" ")


def test_document_bm25_and_stored_cosines_agree_with_search(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake, config=Config(chunk_tokens=24))
    scores = retriever.corpus.lexical.doc_scores("central bank interest rates", ["alpha.txt", "gamma.txt", "nope"])
    assert scores[1] > scores[0] == 0 and scores[2] == 0
    vector = retriever.query_vector("ceasefire talks in Geneva")
    found = retriever.corpus.vectors.search(vector, 3)
    assert np.allclose(retriever.corpus.vectors.get([s.chunk_id for s in found]) @ vector, [s.score for s in found])
    retriever.remove_documents(["gamma.txt"])
    ids, _ = retriever.candidate_features("central bank interest rates", depth=50)
    assert ids and all(not i.startswith("gamma.txt") for i in ids)
    assert retriever.corpus.lexical.doc_scores("central bank", ["gamma.txt"]).tolist() == [0.0]


def test_coverage_features_count_the_question_words_a_passage_holds(corpus, tmp_path, fake):
    retriever = Retriever.build(corpus, tmp_path / "index", embedder=fake)
    with retriever.reading():
        ids, x = retriever.candidate_features("pumpkins harvest festival", 10)
    row = {i: dict(zip(FEATURES, r.tolist(), strict=True)) for i, r in zip(ids, x, strict=True)}
    festival = next(i for i in ids if i.startswith("beta.md"))
    assert row[festival]["coverage"] == pytest.approx(1.0)
    assert row[festival]["sentence_coverage"] == pytest.approx(1.0)  # "pumpkins ... to the harvest festival."
    assert 0.0 < row[festival]["title_coverage"] < 1.0  # "Harvest festival draws record crowds"
    assert all(row[i]["coverage"] == 0.0 for i in ids if i.startswith("gamma.txt"))


def _queries(rng: np.random.Generator, side: str, n: int, signal: int = 0) -> list:
    """Synthetic questions of 6 candidates each, the first holding the evidence; column `signal`
    tells it apart (noise elsewhere)."""
    from eval.fit_ranker import Query

    out = []
    for q in range(n):
        x = rng.normal(size=(6, len(FEATURES))).astype(np.float32)
        x[0, signal] += 5.0
        labels = np.zeros(6, dtype=bool)
        labels[0] = True
        order = rng.permutation(6)
        out.append(Query(side, x[order], labels[order], f"{side}{q}"))
    return out


def test_cross_validation_scores_each_fold_by_a_model_fitted_on_the_others():
    pytest.importorskip("sklearn")
    from eval.fit_ranker import cross_validate

    rng = np.random.default_rng(0)
    per_set = {"a": _queries(rng, "train", 80), "b": _queries(rng, "train", 80)}
    full = cross_validate(per_set, folds=4, draws=2)
    assert all(r1 >= 0.9 and mrr >= r1 for r1, _, mrr in full.values())
    # Without the telling feature the model is guessing among six.
    blind = cross_validate(per_set, folds=4, draws=2, columns=range(1, len(FEATURES)))
    assert all(r1 < 0.5 for r1, _, _ in blind.values())
    # Held-out questions are never read: poisoning them changes nothing.
    rng = np.random.default_rng(1)
    poisoned = {name: queries + _queries(rng, "test", 40, signal=5) for name, queries in per_set.items()}
    assert cross_validate(poisoned, folds=4, draws=2) == full


def test_a_conversation_and_a_paragraph_stay_in_one_fold():
    from eval.fit_ranker import fold_of
    from eval.splits import group_of

    turns = [{"id": f"c1-t{n:02}", "conversation": "c1"} for n in range(15)]
    paragraph = [{"id": f"squad2-{n}", "doc": "Warsaw-p003.txt"} for n in range(15)]
    alone = [{"id": f"q{n:02}"} for n in range(40)]
    for draw in range(5):
        assert len({fold_of(group_of(q), 4, draw) for q in turns}) == 1
        assert len({fold_of(group_of(q), 4, draw) for q in paragraph}) == 1
        assert len({fold_of(group_of(q), 4, draw) for q in alone}) == 4
    assert len({fold_of("c1", 4, draw) for draw in range(20)}) > 1  # each draw deals afresh


def test_a_transfer_scores_each_kind_of_text_by_a_fit_on_the_other():
    pytest.importorskip("sklearn")
    from eval.fit_ranker import cross_validate, transfer

    rng = np.random.default_rng(0)
    shared = {"seeds": _queries(rng, "train", 60), "squad": _queries(rng, "train", 60)}
    assert all(r1 >= 0.9 for r1, _, _ in transfer(shared).values())
    # News told apart by one feature and Wikipedia by another: each kind fits the other's
    # questions badly, although cross-validation inside the sets (which sees both) does well.
    apart = {"seeds": _queries(rng, "train", 60, signal=0), "squad": _queries(rng, "train", 60, signal=1)}
    assert all(r1 < 0.5 for r1, _, _ in transfer(apart).values())
    assert all(r1 >= 0.9 for r1, _, _ in cross_validate(apart, folds=4, draws=1).values())
    # Held-out questions are never read.
    poisoned = {name: queries + _queries(rng, "test", 30, signal=5) for name, queries in shared.items()}
    assert transfer(poisoned) == transfer(shared)
    with pytest.raises(ValueError, match="both kinds"):
        transfer({"squad": shared["squad"], "squad-long": shared["squad"]})
