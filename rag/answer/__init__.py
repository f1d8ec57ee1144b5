"""Answering: question analysis, evidence, answerers, citations, abstention, follow-ups."""
