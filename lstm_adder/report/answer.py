"""The READMEs' first-screen answer, from report.findings.Findings: one set of numbers with
its cases decided (answer_numbers) and one list of lines (written), each line phrased by
report.answer_en and report.answer_zh."""

import dataclasses
from typing import Protocol

from lstm_adder.report import answer_en, answer_zh
from lstm_adder.report.findings import Findings
from lstm_adder.report.one_change import StepsAndPairs, VariantRow
from lstm_adder.report.plain import EngineComparison, ExactSums, MseSpread, Pooled
from lstm_adder.report.schedules import AtEpoch, WithinEpochs

README_EPOCHS = (500, 1000, 1500)  # the at-E chances the answer quotes (STUDY.md has them all)


class Phrasing(Protocol):
    """One language's phrasing of each line of the answer: report.answer_en, report.answer_zh."""

    NOTHING_YET: str

    def in_short(self, numbers: "AnswerNumbers", exact: ExactSums) -> str: ...
    def at_blogs_epochs(self, numbers: "AnswerNumbers") -> str: ...
    def keras224(self, compared: EngineComparison) -> str: ...
    def extrapolated(self, numbers: "AnswerNumbers", spread: MseSpread) -> str: ...
    def lucky_sample(self, numbers: "AnswerNumbers", chance: float) -> str: ...
    def longer(self, numbers: "AnswerNumbers") -> str: ...
    def within(self, within: WithinEpochs, setbacks: int) -> str: ...
    def variants(self, numbers: "AnswerNumbers", nearest: VariantRow) -> str: ...


PHRASINGS: dict[str, Phrasing] = {"en": answer_en, "zh-CN": answer_zh}


def answer(found: Findings, language: str = "en") -> str:
    numbers = answer_numbers(found)
    if numbers is None:
        return PHRASINGS[language].NOTHING_YET
    return written(numbers, language)


def written(numbers: "AnswerNumbers", language: str = "en") -> str:
    """The answer's lines, the same in each language: which there are, and in which order, is
    decided here; each language's module only phrases them."""
    phrase = PHRASINGS[language]
    lines = []
    if numbers.exact:
        # The verdict a paragraph of its own, the figures a list under it.
        lines += [phrase.in_short(numbers, numbers.exact), ""]
    lines.append(phrase.at_blogs_epochs(numbers))
    if numbers.keras224:
        lines.append(phrase.keras224(numbers.keras224))
    if numbers.spread:
        lines.append(phrase.extrapolated(numbers, numbers.spread))
    if numbers.chance is not None:
        lines.append(phrase.lucky_sample(numbers, numbers.chance))
    if numbers.at:
        lines.append(phrase.longer(numbers))
    if numbers.within:
        lines.append(phrase.within(numbers.within, numbers.setbacks))
    if numbers.nearest:
        lines.append(phrase.variants(numbers, numbers.nearest))
    return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class AnswerNumbers:
    """What the answer says, as numbers, and its cases decided once: each language only
    phrases them."""

    epochs: int  # the plain runs' (the blog's 100)
    blogs: Pooled  # the blog's LSTM at `epochs`
    exact: ExactSums | None
    spread: MseSpread | None
    chance: float | None  # the largest chance of a blog-style test at `epochs`
    draws: int  # the random tests behind each chance
    none_reached: bool
    no_test_showed: bool
    schedules: int  # long schedules of the blog's LSTM
    # The time answer in brief: the chance after exactly README_EPOCHS and at its peak, and
    # within the last epochs evaluated.
    at: list[AtEpoch]
    within: WithinEpochs | None
    setbacks: int
    every: list[int]  # the schedules' epochs between evaluations
    nearest: VariantRow | None  # the single change that came nearest
    variants: int  # single changes tried
    one_tried: bool
    steps_and_pairs: StepsAndPairs
    keras224: EngineComparison | None


def answer_numbers(found: Findings) -> AnswerNumbers | None:
    """What the answer says: None before any plain run of the blog's LSTM."""
    if not found.blogs:
        return None
    tried = sum(row.name is not None and row.n > 0 for row in found.variants)
    return AnswerNumbers(
        epochs=found.plain_epochs,
        blogs=found.blogs,
        exact=found.blogs_exact,
        spread=found.spread,
        chance=found.highest_chance,
        draws=found.draws,
        none_reached=found.blogs.reached == 0,
        no_test_showed=found.highest_chance == 0,
        schedules=len(found.schedules),
        # The peak beside README_EPOCHS, so that a fall after it shows.
        at=[row for row in found.at_epochs if row.epoch in README_EPOCHS or row is found.peak],
        within=found.within[-1] if found.within else None,
        setbacks=found.setbacks,
        every=sorted({run.plan.every for run in found.schedules}),
        nearest=found.nearest,
        variants=tried,
        one_tried=tried == 1,
        steps_and_pairs=found.steps_and_pairs,
        keras224=found.keras224,
    )
