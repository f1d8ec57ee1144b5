"""Print the README's held-out abstention trade-off table: `Evidence.abstains` at each threshold,
on the held-out questions of the seeds and of the shared SQuAD part, answerable and not.

    RAG_SQUAD_DIR=../shared/data/squad2-dev-part python -m eval.tradeoff

`rag eval` prints the same sweep per set on its own; this puts the two sets side by side, with
the paraphrase gate included, as `Assistant.ask` decides. Held-out figures only: choosing the
threshold from them would make these questions no longer held out.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rag import Retriever
from rag.answer.assistant import Assistant
from rag.answer.evidence import Evidence
from rag.answer.model import AnswerModel

from .devsets import development_set
from .harness import history_for
from .splits import split_of

THRESHOLDS = (0.600, 0.700, 0.750, 0.800, 0.825, 0.850, 0.865, 0.875, 0.900, 0.925, 0.950)
SETS = ("seeds", "squad")
LABELS = {"seeds": "seeds", "squad": "SQuAD"}


def held_out_evidence(name: str, folder: Path) -> list[tuple[bool, Evidence]]:
    """(answerable, evidence) for each held-out question of one development set."""
    questions, corpus = development_set(name)
    assistant = Assistant(Retriever.build([corpus], folder / name))
    return [
        (bool(q["evidence"]), assistant.evidence(q["question"], history_for(q)))
        for q in questions
        if split_of(q) == "test"
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = {name: held_out_evidence(name, Path(tmp)) for name in SETS}
    model = AnswerModel.load()
    print(
        "| threshold | " + " | ".join(f"{n}: answerable abstained | {n}: unanswerable abstained" for n in SETS) + " |"
    )
    print("|---|" + "---|---|" * len(SETS))
    for threshold in sorted({*THRESHOLDS, round(model.threshold, 3)}):  # the default's row too
        cells = []
        for name in SETS:
            for answerable in (True, False):
                said = [ev.abstains(threshold, model.paraphrase) for ok, ev in rows[name] if ok is answerable]
                cells.append(f"{sum(said)}/{len(said)} ({100 * sum(said) / len(said):.1f}%)")
        label = f"**{threshold:.3f} (default)**" if round(model.threshold, 3) == threshold else f"{threshold:.3f}"
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
