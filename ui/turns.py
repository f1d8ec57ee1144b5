"""One question and its answer as the page keeps them, so that every answer's sources, the article
view, feedback and the export can all be rebuilt from the conversation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from rag import Answer

VERDICTS = ("right", "wrong", "unsupported")


@dataclass(frozen=True)
class Turn:
    """Answer number `n` (1, 2, 3 in the conversation) to `question`, asked after `earlier`."""

    n: int
    question: str
    earlier: tuple[str, ...]  # the earlier questions of the conversation, as typed
    answer: Answer
    message: int  # index of the answer's message in the chat history
    mode: str = "hybrid"
    k: int = 8
    verdict: str | None = None
    id: str = ""

    @classmethod
    def of(
        cls, turns: list[Turn], question: str, earlier: list[str], answer: Answer, message: int, mode: str, k: int
    ) -> Turn:
        """The next turn after `turns`."""
        return cls(
            n=len(turns) + 1,
            question=question,
            earlier=tuple(earlier),
            answer=answer,
            message=message,
            mode=mode,
            k=int(k),
            id=uuid.uuid4().hex,
        )

    def judged(self, verdict: str) -> Turn:
        return replace(self, verdict=verdict)
