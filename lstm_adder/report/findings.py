"""Every figure the study's report shows, computed once from the runs into one summary.

report.write.write_report calls findings() once per report; STUDY.md (report.markdown and its
siblings), the picture (report.plot) and each README's answer (report.answer) are written from
what it returns, so no two of them can disagree. The figures themselves are computed in
report.plain, report.schedules and report.one_change."""

import dataclasses
from collections.abc import Sequence

from lstm_adder.blog import BLOGS_ACTIVATION
from lstm_adder.report.one_change import (
    StepsAndPairs,
    VariantRow,
    nearest_variant,
    steps_and_pairs,
    variant_rows,
)
from lstm_adder.report.plain import (
    EngineComparison,
    ExactSums,
    MseSpread,
    PlainRow,
    Pooled,
    SettingsCompared,
    across_settings,
    blogs_plain_runs,
    by_engine,
    exact_sums,
    keras224_against_ours,
    mse_distribution,
    pooled,
    run_settings,
    table,
)
from lstm_adder.report.schedules import (
    AtEpoch,
    Curves,
    LongSummary,
    Steadiness,
    WithinEpochs,
    at_epochs,
    curves,
    first_shown,
    long_summary,
    peak,
    setback_worth_telling,
    steadiness,
    stopped_early,
    within_epochs,
)
from lstm_adder.scoring import SAMPLING_DRAWS
from lstm_adder.study.plan import Kind, Plan
from lstm_adder.study.runs import StudyRun


@dataclasses.dataclass(frozen=True)
class Findings:
    command: str
    planned: int  # runs planned
    finished: int  # runs finished
    under_way: int  # long schedules under way, shown as far as their saved states go
    # run id -> run (study.json's, and unfinished schedules), the variants' apart
    runs: dict[str, StudyRun]
    rows: list[PlainRow]  # table(): one row per configuration of the plain runs
    plain_epochs: int  # the plain runs' epochs (the blog's 100)
    blogs: Pooled | None  # the blog's LSTM at plain_epochs, or None
    blogs_exact: ExactSums | None  # what the blog's LSTM at plain_epochs gets right
    everything: Pooled | None  # every plain run at plain_epochs, or None
    by_engine: dict[str, PlainRow]  # engine -> row of the blog's LSTM at plain_epochs
    highest_chance: float | None  # the largest chance of a blog-style test at plain_epochs
    chances_counted: int  # the runs behind it
    spread: MseSpread | None  # mse_distribution() at plain_epochs, or None
    compared: SettingsCompared | None  # across_settings() at plain_epochs, or None
    long_runs: list[StudyRun]  # every long schedule, in the runs' order
    summaries: list[tuple[StudyRun, LongSummary]]  # of each long schedule with evaluations
    # the long schedules of the blog's LSTM with evaluations: the time answer's
    schedules: list[StudyRun]
    at_epochs: list[AtEpoch]  # the chance after exactly E epochs
    peak: AtEpoch | None  # the at-E row with the highest mean chance
    within: list[WithinEpochs]  # the share that showed the figure within E epochs
    steadiness: Steadiness
    curves: Curves  # for the picture
    stopped_early: list[tuple[int, int]]  # (seed, epoch) of each the stop rule ended
    first_shown: int | None  # the first epoch any showed the figure at the stop rule's level
    setbacks: int  # how many of them had a setback worth telling (setback_worth_telling)
    settings: str  # run_settings(): where and how the runs were computed
    output_bits: str  # the runs' output bits, "9" or "5/9"
    variants: list[VariantRow]  # the blog's plain runs, then each variant planned or run
    nearest: VariantRow | None  # the variant row with the highest mean chance, or None
    steps_and_pairs: "StepsAndPairs"  # the 2 x 2 of steps an epoch against pairs seen
    keras224: "EngineComparison | None"  # keras224_against_ours() at plain_epochs
    draws: int  # the random blog-style tests behind each evaluation's chance (Monte Carlo)


def findings(
    runs: dict[str, StudyRun], planned: Sequence[Plan], command: str, finished: int | None = None
) -> Findings:
    every_run = runs
    finished = len(every_run) if finished is None else finished
    variant_runs = [run for run in every_run.values() if run.plan.kind is Kind.VARIANT]
    runs = {key: run for key, run in every_run.items() if run.plan.kind is not Kind.VARIANT}
    rows = table(runs)
    plain_epochs = max((row.epochs for row in rows), default=0)
    long_runs = [run for run in runs.values() if run.plan.evaluated_along]
    chances = [
        (row.max_probability, row)
        for row in rows
        if row.epochs == plain_epochs and row.max_probability is not None
    ]
    schedules = [
        run for run in long_runs if run.plan.activation == BLOGS_ACTIVATION and run.evaluations
    ]
    summaries = [(run, long_summary(run)) for run in long_runs if run.evaluations]
    at_rows = at_epochs(schedules)
    variants = variant_rows(variant_runs, blogs_plain_runs(runs, plain_epochs), planned)
    return Findings(
        command=command,
        planned=len(planned),
        finished=finished,
        under_way=len(every_run) - finished,
        runs=runs,
        rows=rows,
        plain_epochs=plain_epochs,
        blogs=pooled(rows, plain_epochs, BLOGS_ACTIVATION),
        blogs_exact=exact_sums(runs, plain_epochs),
        everything=pooled(rows, plain_epochs),
        by_engine=by_engine(rows, plain_epochs),
        highest_chance=max((chance for chance, _ in chances), default=None),
        chances_counted=sum(row.probability_known for _, row in chances),
        spread=mse_distribution(runs, plain_epochs),
        compared=across_settings(runs, plain_epochs),
        long_runs=long_runs,
        summaries=summaries,
        schedules=schedules,
        at_epochs=at_rows,
        peak=peak(at_rows),
        within=within_epochs(schedules),
        steadiness=steadiness(schedules),
        curves=curves(schedules),
        stopped_early=stopped_early(schedules),
        first_shown=min(
            (first for first in map(first_shown, schedules) if first is not None), default=None
        ),
        setbacks=setbacks_of(summaries),
        settings=run_settings(every_run),
        output_bits="/".join(
            str(bits + 1) for bits in sorted({run.config.bits for run in runs.values()})
        ),
        variants=variants,
        nearest=nearest_variant(row for row in variants if row.name),
        steps_and_pairs=steps_and_pairs(variants),
        keras224=keras224_against_ours(runs, plain_epochs),
        draws=draws_of(every_run),
    )


def setbacks_of(summaries: list[tuple[StudyRun, LongSummary]]) -> int:
    """How many long schedules of the blog's LSTM had a setback worth telling."""
    return sum(
        setback_worth_telling(summary.setback)
        for run, summary in summaries
        if run.plan.activation == BLOGS_ACTIVATION
    )


def draws_of(runs: dict[str, StudyRun]) -> int:
    """The random blog-style tests behind the runs' chances (the most any run drew)."""
    return max(
        (
            run.figures["sampling"].get("draws", SAMPLING_DRAWS)
            for run in runs.values()
            if "sampling" in run.figures
        ),
        default=SAMPLING_DRAWS,
    )
