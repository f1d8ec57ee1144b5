"""Present an evaluation: a terminal table, JSON, and a Markdown report with PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag import RagError

RETRIEVAL_COLUMNS = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr", "ndcg@10")
ANSWER_COLUMNS = (
    ("accuracy", "Acc"),
    ("short_em", "EM"),
    ("short_f1", "F1"),
    ("citation_precision", "CitP"),
    ("citation_recall", "CitR"),
    ("grounded", "Grnd"),
    ("answerable_abstained", "AnsAbst"),
    ("unanswerable_abstained", "UnaAbst"),
    ("follow_up_accuracy", "FollowUp"),
)
SIDES = ("train", "test")


def table(results: dict[str, Any]) -> str:
    """The terminal summary."""
    lines = [
        f"{results['questions']} questions ({results['answerable']} answerable on their own), "
        f"{results['corpus']['documents']} documents, {results['corpus']['chunks']} chunks",
        "",
    ]
    lines.append(
        f"{'retrieval':<32}{'split':>6}{'n':>5}" + "".join(f"{c.replace('recall', 'R'):>8}" for c in RETRIEVAL_COLUMNS)
    )
    for name, row in results["retrieval"].items():
        for side in SIDES:
            part = row["splits"][side]
            lines.append(f"{name:<32}{side:>6}{part['n']:>5}" + "".join(f"{part[c]:>8.3f}" for c in RETRIEVAL_COLUMNS))
    lines += ["", f"{'answers':<32}{'split':>6}{'n':>5}" + "".join(f"{short:>9}" for _, short in ANSWER_COLUMNS)]
    for name, row in results["answers"].items():
        for side in SIDES:
            part = row["splits"][side]
            lines.append(f"{name:<32}{side:>6}{part['n']:>5}" + "".join(f"{part[c]:>9.3f}" for c, _ in ANSWER_COLUMNS))
    if results.get("intervals"):
        lines += ["", "held-out 95% intervals (2,000 bootstrap draws; a conversation or a paragraph drawn whole):"]
        for name, row in results["intervals"].items():
            sign = "+" if " - " in name else ""  # a difference between two modes, question by question
            value, low, high = (round(row[k], 3) or 0.0 for k in ("value", "low", "high"))  # no "-0.000"
            drawn = f"n {row['n']}" + (f", {row['groups']} groups" if row.get("groups", row["n"]) != row["n"] else "")
            lines.append(f"{name:<52}{value:>{sign}8.3f}   {low:{sign}.3f} to {high:{sign}.3f}  ({drawn})")
    if results.get("threshold_sweep"):
        lines += ["", f"abstention trade-off, held-out split (default threshold {results['threshold']:.3f}):"]
        lines.append(f"{'threshold':>10}{'answerable abstained':>22}{'unanswerable answered':>23}{'accuracy':>10}")
        for r in results["threshold_sweep"]["test"][::4]:
            lines.append(
                f"{r['threshold']:>10.3f}{r['answerable_abstained']:>22.3f}"
                f"{r['unanswerable_answered']:>23.3f}{r['accuracy']:>10.3f}"
            )
    lines += ["", f"{'latency (warm)':<32}{'p50 ms':>9}{'p95 ms':>9}"]
    for name, spread in results["latency_ms"].items():
        lines.append(f"{name:<32}{spread['p50']:>9.2f}{spread['p95']:>9.2f}")
    cost = results["cost"]
    lines += [
        "",
        f"model load {cost['model_load_s']:.2f} s, index build {cost['index_build_s']:.2f} s, "
        f"index {cost['index_bytes'] / 1e6:.2f} MB on disk, peak memory {cost['peak_memory_mb']:.0f} MB",
    ]
    return "\n".join(lines)


def wrong(results: dict[str, Any]) -> dict[str, list[str]]:
    """Per configuration, the questions it gets wrong, as readable lines."""
    out: dict[str, list[str]] = {}
    for name, row in results["retrieval"].items():
        out[f"retrieval: {name} (no evidence in the top 5)"] = row["misses"]
    for name, row in results["answers"].items():
        lines = []
        for r in row["rows"]:
            ok = r["abstained"] if r["unanswerable"] else r["correct"]
            if not ok:
                said = f"abstained ({r['reason']})" if r["abstained"] else r["text"][:160]
                lines.append(f"{r['id']} {r['question']} → {said}")
        out[f"answers: {name}"] = lines
    return out


def write(results: dict[str, Any], folder: Path) -> Path:
    """results.json, plots and report.md in `folder`; returns the report's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    plots = _plots(results, folder)
    md = ["# Evaluation report", "", "```", table(results), "```", ""]
    md += [
        "## Retrieval",
        "",
        "| configuration | " + " | ".join(RETRIEVAL_COLUMNS) + " |",
        "|---" * (len(RETRIEVAL_COLUMNS) + 1) + "|",
    ]
    for name, row in results["retrieval"].items():
        md.append(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in RETRIEVAL_COLUMNS) + " |")
    md += [
        "",
        "## Answers",
        "",
        "| configuration | " + " | ".join(c for c, _ in ANSWER_COLUMNS) + " |",
        "|---" * (len(ANSWER_COLUMNS) + 1) + "|",
    ]
    for name, row in results["answers"].items():
        md.append(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c, _ in ANSWER_COLUMNS) + " |")
    md += ["", "## Plots", ""] + [f"![{title}]({name})" for title, name in plots] + ["", "## What goes wrong", ""]
    for heading, lines in wrong(results).items():
        md += [f"### {heading}", ""] + ([f"- {line}" for line in lines] or ["- nothing"]) + [""]
    report = folder / "report.md"
    report.write_text("\n".join(md), encoding="utf-8")
    return report


def _plots(results: dict[str, Any], folder: Path) -> list[tuple[str, str]]:
    """Draw the plots into `folder`; returns (title, file name) of each."""
    try:
        import matplotlib
    except ImportError:
        raise RagError("the report's plots need matplotlib: run `pip install -e '.[eval]'`") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made: list[tuple[str, str]] = []

    def plot(name: str, title: str, draw: Any, **axes: Any) -> None:
        fig, ax = plt.subplots(figsize=(6, 4))
        draw(ax)
        ax.set(title=title, **axes)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(folder / name, dpi=110)
        plt.close(fig)
        made.append((title, name))

    def recall(ax: Any) -> None:
        for name, curve in results["recall_curves"].items():
            ax.plot(range(1, len(curve) + 1), curve, marker="o", label=name)

    plot("recall_at_k.png", "recall@k per configuration", recall, xlabel="k", ylabel="recall@k", ylim=(0, 1.02))

    sweep = (results.get("threshold_sweep") or {}).get("test")
    if sweep:

        def tradeoff(ax: Any) -> None:
            xs = [row["threshold"] for row in sweep]
            ax.plot(xs, [r["answerable_abstained"] for r in sweep], marker="o", label="answerable, wrongly abstained")
            ax.plot(xs, [r["unanswerable_answered"] for r in sweep], marker="s", label="unanswerable, answered")
            ax.plot(xs, [r["accuracy"] for r in sweep], linestyle="--", label="accuracy on answerable")

        plot(
            "abstention.png",
            "abstention trade-off on held-out questions",
            tradeoff,
            xlabel="abstain when P(unanswerable) >= threshold",
            ylabel="share of questions",
        )

    def latency(ax: Any) -> None:
        for name, samples in results["latency_samples_ms"].items():
            ax.hist(samples, bins=30, alpha=0.6, label=name)

    plot("latency.png", "latency distribution (warm)", latency, xlabel="milliseconds", ylabel="questions")
    return made
