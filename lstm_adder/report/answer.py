"""The READMEs' first-screen answer, from report.findings.Findings: one set of numbers
(answer_numbers), written by report.answer_en and report.answer_zh, at most a few lines each."""

from lstm_adder.report.answer_en import english
from lstm_adder.report.answer_zh import chinese
from lstm_adder.report.findings import Findings

README_EPOCHS = (500, 1000, 1500)  # the at-E chances the answer quotes (STUDY.md has them all)


def peak(at_epochs: list[dict]) -> dict | None:
    """The at-E row with the highest mean chance: the answer quotes it beside README_EPOCHS so
    that a fall after it shows."""
    return max(at_epochs, key=lambda row: row["mean"], default=None)


def answer(found: Findings, language: str = "en") -> str:
    numbers = answer_numbers(found)
    if numbers is None:
        return "No run has finished yet." if language == "en" else "还没有完成的训练。"
    return (chinese if language == "zh-CN" else english)(numbers)


def answer_numbers(found: Findings) -> dict | None:
    """What the answer says, as numbers: None before any plain run of the blog's LSTM."""
    if not found.blogs:
        return None
    highest = peak(found.at_epochs)
    tried = sum(row["name"] is not None and row["n"] > 0 for row in found.variants)
    return {
        "epochs": found.plain_epochs,
        "blogs": found.blogs,
        "exact": found.blogs_exact,
        "spread": found.spread,
        "chance": found.highest_chance,
        "draws": found.draws,
        # The answer's cases, decided here once: each language only phrases them.
        "none_reached": found.blogs["reached"] == 0,
        "no_test_showed": found.highest_chance == 0,
        "one_tried": tried == 1,
        "schedules": len(found.schedules),
        # The time answer in brief: the chance after exactly these epochs, and within the
        # last epochs evaluated.
        "at": [row for row in found.at_epochs if row["epoch"] in README_EPOCHS or row is highest],
        "within": found.within[-1] if found.within else None,
        "setbacks": found.setbacks,
        # One change to the blog's script: the one that came nearest, of how many tried.
        "nearest": found.nearest,
        "variants": tried,
        "steps_and_pairs": found.steps_and_pairs,
        "every": sorted({run.plan.every for run in found.schedules}),
        "keras224": found.keras224,
    }
