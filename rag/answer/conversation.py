"""Follow-up questions without a language model.

A follow-up that refers back ("How long does *he* think it could last?", "*And* what would the US
buy?") is retrieved as if its subject were named: the earlier question is appended to it. A
question that names its own subject first is left alone, so an old subject never pollutes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..errors import QueryError
from .question import entities

# A pronoun that may stand for a name in the question itself when that name comes first ("What did
# Trump say about his plan?"); "it", "this", "these" and "those" always point back (POINTER).
PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their|that)\b", re.IGNORECASE)
# Words that point back whatever the question names before them: "it", "that meeting", "those
# talks", "was that?" ("that" after a verb of saying or thinking introduces a clause instead).
POINTER = re.compile(
    r"\b(?:it|its|this|these|those)\b"
    r"|(?<!\bsay )(?<!\bsaid )(?<!\bsays )(?<!\bthink )(?<!\bthinks )(?<!\bbelieve )(?<!\bclaim )(?<!\bwarn )"
    r"(?<!\bwarned )(?<!\bshow )(?<!\bmean )(?<!\bso )(?<!\bnow )\bthat\b(?! is\b)",
    re.IGNORECASE,
)
CONTINUATION = re.compile(r"^(?:and|but|so|also|then|what about|how about|what else)\b", re.IGNORECASE)
MAX_CARRIED = 2  # earlier questions that refer back, carried into one retrieval query
SHORT_QUESTION = 5  # a question this short that names nothing leans on the conversation


def user_questions(history: Any) -> list[str]:
    """The user turns of a chat history, oldest first.

    Accepts OpenAI/Gradio "messages" (`[{"role": "user", "content": "..."}, ...]`) and Gradio's
    older pairs (`[["question", "answer"], ...]`); non-text content (files, images) is skipped.
    Anything else is a QueryError that says what shape is expected.
    """
    if history is None:
        return []
    if not isinstance(history, Sequence) or isinstance(history, (str, bytes)):
        raise QueryError(
            'history must be a list of messages like {"role": "user", "content": "..."}, '
            f"not {type(history).__name__}"
        )
    questions = []
    for i, message in enumerate(history):
        if isinstance(message, dict):
            role, content = message.get("role"), message.get("content")
            if role not in ("user", "assistant", "system", "tool"):
                raise QueryError(f"history message {i} has role {role!r}; use 'user' or 'assistant'")
            text = _text_of(content)
            if role == "user" and text:
                questions.append(text)
        elif isinstance(message, (list, tuple)) and len(message) == 2:
            if isinstance(message[0], str) and message[0].strip():
                questions.append(message[0].strip())
        else:
            raise QueryError(
                f'history message {i} is not a message: expected {{"role": ..., "content": ...}}, '
                f"got {type(message).__name__}"
            )
    return questions


def _text_of(content: Any) -> str:
    """Text of a message's content: a string, or Gradio's list of `{"type": "text", "text": ...}`."""
    if isinstance(content, str):
        return content.strip()
    if isinstance(content, list):
        parts = [c.get("text", "") if isinstance(c, dict) and c.get("type") == "text" else "" for c in content]
        return " ".join(p for p in parts if isinstance(p, str) and p.strip()).strip()
    return ""


def refers_back(question: str) -> bool:
    """Whether `question` leans on an earlier turn for its subject.

    >>> refers_back("How long does he think the talks could last?"), refers_back("Who is Tom Graham?")
    (True, False)
    >>> refers_back("What did he say Witkoff misunderstood?"), refers_back("What did Trump say about his plan?")
    (True, False)
    >>> refers_back("Who was the host?"), refers_back("Who hosted the summit in Alaska?")
    (True, False)
    >>> refers_back("How long after Trump's statement was that?"), refers_back("What did Trump say that Putin wants?")
    (True, False)
    """
    names = entities(question)
    if CONTINUATION.match(question) or len(question.split()) <= 2:
        return True
    if not names and len(question.split()) <= SHORT_QUESTION:  # "Who was the host?"
        return True
    if POINTER.search(question):
        return True
    pronoun = PRONOUN.search(question)
    if not pronoun:
        return False
    first_name = min((question.find(n) for n in names), default=len(question))
    return pronoun.start() < first_name


def resolve(question: str, history: Any = None) -> str:
    """The retrieval query for `question` given the conversation so far.

    A question that refers back carries the turns it leans on: the previous turn, and the turns
    before it while they refer back too (at most `MAX_CARRIED`); if none of those names anything,
    also the latest earlier turn that does, however far back ("In what year did he wear it?" after
    three questions about a suit still carries the question that named the man); when no earlier
    turn names anyone, the conversation's first question, which set its topic.

    >>> resolve("What did he say next?", [{"role": "user", "content": "Who is Tom Graham?"}])
    'What did he say next? Who is Tom Graham?'
    >>> resolve("Who is Ivo Daalder?", [{"role": "user", "content": "Who is Tom Graham?"}])
    'Who is Ivo Daalder?'
    >>> turns = ["Who is Steve Witkoff?", "What did he do before?", "And after that?", "Why?"]
    >>> resolve("When was it?", [{"role": "user", "content": t} for t in turns])
    'When was it? Why? And after that? Who is Steve Witkoff?'
    >>> turns = ["Who won the mayoral race?", "How old is he?", "Who did he beat?", "What did he get?"]
    >>> resolve("And his rival?", [{"role": "user", "content": t} for t in turns])
    'And his rival? What did he get? Who did he beat? Who won the mayoral race?'
    """
    earlier = user_questions(history)
    if not earlier or not refers_back(question):
        return question
    carried: list[str] = []
    for turn in reversed(earlier):
        carried.append(turn)
        if not refers_back(turn) or len(carried) >= MAX_CARRIED:
            break
    if not any(entities(turn) for turn in carried):
        before = earlier[: len(earlier) - len(carried)]
        # The latest turn that names someone; if none does, the turn that opened the conversation,
        # which set its topic ("Who won the mayoral race?" before "And his rival?").
        anchor = next((t for t in reversed(before) if entities(t)), before[0] if before else None)
        if anchor:
            carried.append(anchor)
    return " ".join([question, *carried])
