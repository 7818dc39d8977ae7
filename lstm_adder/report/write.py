"""The study's report, written from study.json: results/STUDY.md, results/learning_curves.png
and the READMEs' answer.

The study (lstm_adder/study/) hands the runs here after each one finishes. findings()
computes every figure once; report.markdown (and its siblings), report.plot and report.answer
write them.
Nothing here trains or reads a model, so the report can be written anew from study.json alone
(study.py --report).
"""

import os
from collections.abc import Sequence

from lstm_adder.files import replacing, write_atomically
from lstm_adder.report.answer import answer
from lstm_adder.report.findings import findings
from lstm_adder.report.markdown import study_markdown
from lstm_adder.report.markdown_schedules import schedules_markdown
from lstm_adder.report.plot import plot, plot_variants
from lstm_adder.study.plan import Plan
from lstm_adder.study.runs import StudyRun

# Around a README's generated answer, by its language: the lines between them are rewritten.
README_MARKERS = {
    "en": ("<!-- study -->", "<!-- /study -->"),
    "zh-CN": ("<!-- study:zh-CN -->", "<!-- /study:zh-CN -->"),
}


def write_report(
    results: str,
    readmes: Sequence[str] | None,
    runs: dict[str, StudyRun],
    planned: Sequence[Plan],
    command: str,
    finished: int | None,
) -> None:
    """STUDY.md and the plot in `results`, and the answer in each of `readmes`, in its own
    language, from `runs` (finished runs and, as far as they go, unfinished long schedules).
    Raises files.WriteError, each file then as it was."""
    found = findings(runs, planned, command, finished)
    write_atomically(os.path.join(results, "STUDY.md"), study_markdown(found))
    if found.long_runs:
        write_atomically(os.path.join(results, "SCHEDULES.md"), schedules_markdown(found))
    pictures = [(plot, "learning_curves.png")]
    pictures += [(plot_variants, "variants.png")] if found.variants else []
    for draw, name in pictures:
        with replacing(os.path.join(results, name)) as replacement:
            draw(found, replacement.temporaries[0])
    for readme in readmes or ():
        with open(readme, encoding="utf-8") as file:
            text = file.read()
        write_atomically(readme, with_readme_section(text, answer(found, readme_language(text))))


def readme_language(text: str) -> str:
    """The language of the one pair of README_MARKERS lines in `text` (ValueError if none, or
    not exactly one pair in order)."""
    lines = text.split("\n")
    found = [
        language
        for language, (start, end) in README_MARKERS.items()
        if start in lines or end in lines
    ]
    if len(found) == 1:
        start, end = README_MARKERS[found[0]]
        if (
            lines.count(start) == 1
            and lines.count(end) == 1
            and lines.index(start) < lines.index(end)
        ):
            return found[0]
    pairs = " or ".join(f"'{start}' ... '{end}'" for start, end in README_MARKERS.values())
    raise ValueError(f"it needs one pair of lines {pairs} around the study's answer")


def with_readme_section(text: str, section: str) -> str:
    """`text` with its answer, the lines between its README_MARKERS lines, replaced by
    `section` (a marker quoted inside a line is not a marker)."""
    start, end = README_MARKERS[readme_language(text)]
    lines = text.split("\n")
    before, after = lines[: lines.index(start) + 1], lines[lines.index(end) :]
    return "\n".join(before + section.rstrip("\n").split("\n") + after)


class ReadmeError(Exception):
    """A --readme whose answer the study could not rewrite, in one line."""


def check_readme(path: str) -> None:
    """Raise ReadmeError if the study could not rewrite --readme's answer: asked before any
    training."""
    try:
        with open(path, encoding="utf-8") as file:
            readme_language(file.read())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ReadmeError(
            f"cannot use --readme {path}: {getattr(error, 'strerror', None) or error}"
        ) from None
    if not os.access(path, os.W_OK) or not os.access(os.path.dirname(path) or ".", os.W_OK):
        raise ReadmeError(f"cannot use --readme {path}: it (or its folder) is not writable")
