"""Phrasings the READMEs' answers and STUDY.md share: which engines trained the runs, a chance
with its interval, and the 2 x 2 of steps against pairs seen in each language."""

from lstm_adder.report.one_change import Pointer, StepsAndPairs, VariantRow
from lstm_adder.report.schedules import AtEpoch
from lstm_adder.wording import percent, with_interval


def engines(
    runs_by_engine: dict[str, int], phrases: dict[str, str], opening: str, joint: str, closing: str
) -> str:
    """How many of the runs each engine trained, in brackets; nothing where one engine did all."""
    if len(runs_by_engine) < 2:
        return ""
    return (
        opening
        + joint.join(
            phrases.get(engine, engine + " {n}").format(n=n) for engine, n in runs_by_engine.items()
        )
        + closing
    )


def row_chance(row: VariantRow, language: str = "en") -> str:
    """A variant row's mean chance with its bootstrap interval."""
    chance = row.mean_chance, row.chance_low, row.chance_high
    if language == "zh-CN":
        return with_interval(*chance, to=" 至 ", opening="（95% 置信区间 ", closing="）")
    return with_interval(*chance)


def bracket(
    row: AtEpoch, index: int, first_label: str, to: str, opening: str = " (", closing: str = ")"
) -> str:
    """An at-E row's bootstrap interval in brackets, labelled the first time only (none where a
    single schedule leaves it undefined)."""
    if row.low is None or row.high is None:
        return ""
    return (
        f"{opening}{first_label if index == 0 else ''}{percent(row.low, 2)}{to}"
        f"{percent(row.high, 2)}{closing}"
    )


STEPS_AND_PAIRS_ENGLISH = {
    Pointer.INCOMPLETE: "Not yet known, since a cell of the table has fewer than 2 finished runs",
    Pointer.STEPS: "The runs point to the steps, which lifted the mean chance at both shares of "
    "pairs seen, while more pairs seen did not at both step counts",
    Pointer.PAIRS: "The runs point to the pairs seen, which lifted the mean chance at both step "
    "counts, while more steps did not at both shares of pairs seen",
    Pointer.BOTH: "Both count, each lifting the mean chance at both levels of the other",
    Pointer.TOGETHER: "Neither alone, since only more steps over more pairs seen stands apart",
    Pointer.UNCLEAR: "These runs cannot tell, since the intervals on the mean chance overlap",
}


STEPS_AND_PAIRS_CHINESE = {
    Pointer.INCOMPLETE: "还不能判断，因为表中有一格完成的训练少于 2 次",
    Pointer.STEPS: "这些训练指向每轮的步数，无论见过的数对多少，步数多都让平均概率明显更高，"
    "而见过的数对多并非在两种步数下都如此",
    Pointer.PAIRS: "这些训练指向见过的数对，无论步数多少，见过的数对多都让平均概率明显更高，"
    "而步数多并非在两种数对覆盖率下都如此",
    Pointer.BOTH: "两者都起作用，步数多、见过的数对多，各自都让平均概率明显更高",
    Pointer.TOGETHER: "单靠哪一个都不够，只有步数多且见过的数对也多的那一格明显不同",
    Pointer.UNCLEAR: "这些训练还分不清，因为各格平均概率的置信区间相互重叠",
}


# Each language's question, reading, cell and punctuation for steps_and_pairs_sentence().
STEPS_AND_PAIRS_WORDS = {
    "en": (
        "Steps an epoch or pairs seen? ",
        STEPS_AND_PAIRS_ENGLISH,
        "{steps:,.0f} steps an epoch over {share:.0%} of the pairs, a mean chance of {chance} "
        "and {exact:.2f}% of sums right over {n} runs",
        (": ", "; ", "."),
    ),
    "zh-CN": (
        "是步数多，还是见过的数对多？",
        STEPS_AND_PAIRS_CHINESE,
        "每轮 {steps:,.0f} 步、见过全部数对的 {share:.0%} 时，平均概率 {chance}，"
        "完全正确率中位数 {exact:.2f}%（{n} 次独立训练）",
        ("：", "；", "。"),
    ),
}


def steps_and_pairs_sentence(table: StepsAndPairs, language: str = "en") -> str:
    """One sentence: what the 2 x 2 of steps against pairs seen points to (decided once, in
    findings.steps_and_pairs), with each cell's numbers."""
    question, readings, template, (colon, joint, stop) = STEPS_AND_PAIRS_WORDS[language]
    cells = [
        template.format(
            steps=row.steps,
            share=row.seen_share,
            chance=row_chance(row, language),
            exact=row.exact,
            n=row.n,
        )
        for row in table.cells.values()
        if row is not None and row.n
    ]
    return question + readings[table.pointer] + (colon + joint.join(cells) if cells else "") + stop
