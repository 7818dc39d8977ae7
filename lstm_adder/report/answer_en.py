"""The README's answer in English: each of its lines (report.answer decides which, in which
order) from answer_numbers."""

from typing import TYPE_CHECKING

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE
from lstm_adder.config import KERAS_224
from lstm_adder.report.one_change import VariantRow
from lstm_adder.report.phrases import bracket, engines, row_chance, steps_and_pairs_sentence
from lstm_adder.report.plain import EngineComparison, ExactSums, MseSpread
from lstm_adder.report.schedules import WithinEpochs
from lstm_adder.stop_rule import STOP_PROBABILITY
from lstm_adder.wording import listed, percent, scientific

if TYPE_CHECKING:
    from lstm_adder.report.answer import AnswerNumbers

ENGINES_ENGLISH = {
    "jax": "{n} on the default engine",
    "keras": "{n} through Keras's model.fit",
    KERAS_224: "{n} by the blog's own Keras 2.2.4",
}


NOTHING_YET = "No run has finished yet."


def in_short(numbers: "AnswerNumbers", exact: ExactSums) -> str:
    blogs = numbers.blogs
    return (
        f"**In short:** the blog's number is (1 − MSE) × 100, not an accuracy; "
        f"trained the blog's way for {numbers.epochs} epochs, the network gets "
        f"{percent(exact.median)} of all {exact.pairs:,} sums exactly right "
        f"(median of {exact.runs} runs) and "
        + (
            "never reaches the number."
            if numbers.none_reached
            else f"reaches the number in {blogs.reached} of {blogs.n} runs."
        )
    )


def at_blogs_epochs(numbers: "AnswerNumbers") -> str:
    blogs = numbers.blogs
    return (
        f"- **At the blog's {numbers.epochs} epochs:** {blogs.reached} of {blogs.n} runs "
        f"of the blog's LSTM{engines(blogs.runs_by_engine, ENGINES_ENGLISH, ' (', ', ', ')')} "
        f"reached {BLOG_FIGURE}% (95% upper bound "
        f"{percent(blogs.upper_bound)}); the best MSE on the study's fixed 1,000 "
        f"test pairs was {blogs.best_mse_over_blogs:.0f} times the blog's."
    )


def extrapolated(numbers: "AnswerNumbers", spread: MseSpread) -> str:
    return (
        f"- **Extrapolated:** a normal fit to log10(MSE) gives a {numbers.epochs}-epoch "
        f"run a {scientific(spread.chance)} chance of the blog's MSE "
        "(an extrapolation, not a measurement)."
    )


def lucky_sample(numbers: "AnswerNumbers", chance: float) -> str:
    return "- **A lucky test sample:** " + (
        f"not one of {numbers.draws:,} simulated 1,000-pair tests like the blog's "
        "showed the figure, for any of these networks."
        if numbers.no_test_showed
        else f"a random 1,000-pair test like the blog's shows the figure at most "
        f"{percent(chance, 3)} of the time for these networks."
    )


def keras224(compared: EngineComparison) -> str:
    theirs, ours = compared.theirs, compared.ours
    return (
        f"- **The blog's own Keras 2.2.4:** {theirs.reached} of its {theirs.n} runs reached the "
        f"figure, with a median of {percent(theirs.median_exact, 2)} of all sums right (over the "
        f"default engine's {ours.n} runs: {percent(ours.median_exact, 2)}); a Mann-Whitney test "
        + ("tells its runs from ours" if compared.told_apart else "cannot tell its runs from ours")
        + f" (p = {compared.mse_p:.2g} on the MSE over every pair, {compared.exact_p:.2g} on "
        "exact sums)."
    )


def longer(numbers: "AnswerNumbers") -> str:
    """The chance after exactly E epochs, each with its count of schedules where fewer than all
    were evaluated there."""
    steps = [
        f"{percent(row.mean, 2)}{bracket(row, index, '95% interval ', ' to ')} "
        f"after {row.epoch:,}"
        + (
            f" ({row.schedules} schedule{'s' if row.schedules > 1 else ''} evaluated that far)"
            if row.schedules < numbers.schedules
            else ""
        )
        for index, row in enumerate(numbers.at)
    ]
    every = f", evaluated every {numbers.every[0]} epochs" if len(numbers.every) == 1 else ""
    return (
        f"- **Training longer:** over {numbers.schedules} long schedules of the "
        f"blog's LSTM{every}, a blog-style test shows the figure with a mean chance of "
        + listed(steps)
        + " epochs exactly."
    )


def variants(numbers: "AnswerNumbers", nearest: VariantRow) -> str:
    """The nearest single change, likely only where its whole interval says so, then what the
    2 x 2 of steps against pairs seen points to."""
    epochs, tried = numbers.epochs, numbers.variants
    exact = "" if nearest.exact is None else f"{nearest.exact:.2f}% of all sums right and "
    shown = (
        f"medians of {exact}an MSE over every pair of {nearest.mse:.3g} (the blog's "
        f"{BLOG_MSE:.3g}); a blog-style test shows the figure with a mean chance of "
        f"{row_chance(nearest)}, and {nearest.reached} of its {nearest.n} runs reached it"
    )
    if nearest.likely:
        reading = f"{nearest.label} makes the figure likely at {epochs} epochs: {shown}."
    else:
        none = (
            "the one single change tried so far does not make"
            if numbers.one_tried
            else f"none of the {tried} single changes tried so far makes"
        )
        reading = (
            f"{none} the figure likely at {epochs} epochs (the whole 95% interval on the mean "
            f"chance above {percent(STOP_PROBABILITY, 0)}); the nearest, {nearest.label}: "
            f"{shown}."
        )
    return (
        f"- **One change to the blog's script:** {reading} "
        f"{steps_and_pairs_sentence(numbers.steps_and_pairs)}"
    )


def within(within: WithinEpochs, setbacks: int) -> str:
    """How many schedules showed the figure at the stop rule's level within the last E."""
    return (
        f"- **Within {within.epoch:,} epochs:** {within.reached} of the "
        f"{within.watched} schedules watched that long (or showing it sooner) showed it at "
        "least once in half of such tests or more ("
        + (
            f"Kaplan-Meier {percent(within.estimate)}, 95% interval "
            f"{percent(within.low)} to {percent(within.high)}"
            if within.reached
            else f"95% upper bound {percent(within.high)}"
        )
        + ")"
        + (
            ", a share of schedules rather than a chance at one epoch count: setbacks after "
            f"the best came in {setbacks} schedule{'s' if setbacks > 1 else ''}"
            if setbacks
            else ""
        )
        + " (results/STUDY.md)."
    )
