"""One change to the blog's script in STUDY.md: the variants' table and the 2 x 2 of steps
against pairs seen."""

from lstm_adder.blog import BLOG_MSE
from lstm_adder.report.findings import Findings
from lstm_adder.report.one_change import VariantRow
from lstm_adder.report.phrases import row_chance, steps_and_pairs_sentence
from lstm_adder.report.table import markdown_table
from lstm_adder.stop_rule import STOP_PROBABILITY
from lstm_adder.wording import percent, runs_so_far


def variants_section(found: Findings) -> list[str]:
    """The variants' table, what it says, and their picture."""
    pairs = 4 ** max(run.config.bits for run in found.runs.values())
    lines = [
        f"Each variant is the blog's run with one setting changed, everything else the blog's, "
        f"trained for the blog's {found.plain_epochs} epochs with seeds 1 to N and evaluated as "
        "the plain runs are (docs/study.md says why these). Steps: optimiser steps an epoch. "
        "Pairs seen: the share of all pairs in the training data. Reached: runs that showed the "
        "blog's figure on the study's fixed 1,000 pairs, with the exact 95% interval "
        "(Clopper-Pearson) on the chance that a run does. Mean chance: the chance that a random "
        "1,000-pair test like the blog's shows the figure, averaged over the runs, with a 95% "
        "bootstrap interval over the runs. Exact sums (all output bits right), never seen and "
        f"MSE: medians over the runs, over all {pairs:,} pairs. Minutes: the median training "
        "time of a run here, one core a run. A variant still running shows how many of its "
        "planned runs have finished." + two_sided_note(found.variants[0]),
        "",
    ]
    header = (
        "change",
        "steps",
        "pairs seen",
        "runs",
        "reached",
        "95% interval",
        "mean chance",
        "exact sums",
        "never seen",
        "MSE, every pair",
        "minutes a run",
    )

    def cells(row):
        planned = (
            row.label,
            optional(row.steps, ",.0f"),
            optional(row.seen_share, ".0%"),
            runs_so_far(row.n, row.planned),
        )
        if not row.n:
            return (*planned, *("-",) * 7)
        return (
            *planned,
            row.reached,
            f"{share(row.low)} to {share(row.high)}",
            row_chance(row),
            optional(row.exact, ".2f", "%"),
            optional(row.unseen_exact, ".2f", "%"),
            optional(row.mse, ".3g"),
            f"{row.minutes:.1f}",
        )

    lines += markdown_table(header, map(cells, found.variants))
    return [*lines, "", variants_sentence(found), "", "![The variants' MSE](variants.png)"]


def share(fraction: float | None) -> str:
    return percent(fraction) if fraction is not None else "-"


def two_sided_note(row: VariantRow) -> str:
    """Why the blog's runs get a higher upper end here than their bound in the plain-runs table."""
    if row.name is not None:
        return ""
    return (
        f" The interval is two-sided, so for the blog's {row.n} plain runs its upper end, "
        f"{share(row.high)}, lies above their one-sided 95% upper bound, "
        f"{share(row.upper_bound)}: the one-sided bound puts all 5% it may miss by on one "
        "side, the interval 2.5% on each."
    )


def one_change_clause(found: Findings) -> str:
    """The So: paragraph's word on the variants: the nearest, and whether it makes the figure
    likely (its whole interval above the stop level)."""
    nearest = found.nearest
    if nearest is None:
        return ""
    return (
        f" Of the single changes to the blog's script at {found.plain_epochs} epochs, "
        f"{nearest.label} came nearest, with a mean chance of {row_chance(nearest)} over "
        f"{nearest.n} runs: "
        + (
            "enough to call the figure likely."
            if nearest.likely
            else "not enough to call the figure likely."
        )
    )


def optional(value: float | None, spec: str, unit: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{unit}"


def variants_sentence(found: Findings) -> str:
    """Which single change makes the figure likely at the blog's epochs (the whole interval on
    its mean chance above the stop level), or what the nearest one measured."""
    nearest, epochs = found.nearest, found.plain_epochs
    if nearest is None:
        return "No variant run has finished yet."
    shown = (
        f"a blog-style test shows the figure with a mean chance of {row_chance(nearest)}"
        f" over its {nearest.n} runs, and {nearest.reached} of them reached it on the "
        "fixed sample"
    )
    if nearest.likely:
        return f"**{nearest.label}** makes the figure likely at {epochs} epochs: {shown}."
    return (
        f"No single change here makes the figure likely at {epochs} epochs (the whole 95% "
        f"interval on its mean chance above {percent(STOP_PROBABILITY, 0)}). The nearest: "
        f"**{nearest.label}**: {shown}; its median MSE over every pair is "
        f"{nearest.mse:.3g}, the blog's {BLOG_MSE:.3g}."
    )


def steps_and_pairs_section(found: Findings) -> list[str]:
    """The 2 x 2 of steps an epoch against the share of pairs seen, and what it points to."""
    table = found.steps_and_pairs

    def cell(many_steps: bool, many_pairs: bool) -> str:
        row = table.cell(many_steps, many_pairs)
        if row is None:
            return "not planned"
        name = row.label if row.name else "the blog's script"
        facts = [
            f"**{name}**",
            f"{optional(row.steps, ',.0f')} steps an epoch, "
            f"{optional(row.seen_share, '.0%')} of pairs seen",
            f"runs: {runs_so_far(row.n, row.planned)}",
        ]
        if row.n:
            facts += [
                f"reached: {row.reached} ({share(row.low)} to {share(row.high)})",
                f"mean chance: {row_chance(row)}",
                f"exact sums: {optional(row.exact, '.2f', '%')}",
                f"MSE, every pair: {optional(row.mse, '.3g')}",
            ]
        return "<br>".join(facts)

    return [
        "65,536 pairs at the blog's batch size change two things at once: more optimiser steps "
        "an epoch and more of the pairs seen. Two variants change one of them each; with the "
        "blog's script and the 65,536-pair variant they fill this table (medians over the runs, "
        "intervals 95%). One of the two counts only where more of it lifts the whole interval "
        "on the mean chance above the interval with less, at both levels of the other.",
        "",
        *markdown_table(
            ("", "fewer pairs seen", "more pairs seen"),
            [
                ("**fewer steps an epoch**", cell(False, False), cell(False, True)),
                ("**more steps an epoch**", cell(True, False), cell(True, True)),
            ],
        ),
        "",
        steps_and_pairs_sentence(table),
    ]
