"""Follow-up questions without a language model.

A follow-up that refers back ("How long does *he* think it could last?", "*And* what would the US
buy?") is retrieved as if its subject were named: the earlier question is appended to it. A
question that names its own subject first is left alone, so an old subject never pollutes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .errors import QueryError
from .question import entities

PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their|it|its|this|that|these|those)\b", re.IGNORECASE)
CONTINUATION = re.compile(r"^(?:and|but|so|also|then|what about|how about|what else)\b", re.IGNORECASE)
MAX_CARRIED = 2  # earlier questions carried into one retrieval query


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
    """
    if CONTINUATION.match(question) or len(question.split()) <= 2:
        return True
    pronoun = PRONOUN.search(question)
    if not pronoun:
        return False
    names = entities(question)
    first_name = min((question.find(n) for n in names), default=len(question))
    return pronoun.start() < first_name


def resolve(question: str, history: Any = None) -> str:
    """The retrieval query for `question` given the conversation so far.

    >>> resolve("What did he say next?", [{"role": "user", "content": "Who is Tom Graham?"}])
    'What did he say next? Who is Tom Graham?'
    >>> resolve("Who is Ivo Daalder?", [{"role": "user", "content": "Who is Tom Graham?"}])
    'Who is Ivo Daalder?'
    """
    carried: list[str] = []
    for earlier in user_questions(history):
        carried = ([*carried, earlier] if refers_back(earlier) else [earlier])[-MAX_CARRIED:]
    if not carried or not refers_back(question):
        return question
    return " ".join([question, *reversed(carried)])
