"""The README's answer in English, from answer_numbers."""

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE
from lstm_adder.config import KERAS_224
from lstm_adder.report.phrases import bracket, engines, row_chance, steps_and_pairs_sentence
from lstm_adder.report.plain import EngineComparison
from lstm_adder.stop_rule import STOP_PROBABILITY
from lstm_adder.wording import listed, percent, scientific

ENGINES_ENGLISH = {
    "jax": "{n} on the default engine",
    "keras": "{n} through Keras's model.fit",
    KERAS_224: "{n} by the blog's own Keras 2.2.4",
}


def english(numbers: dict) -> str:
    blogs, epochs, exact = numbers["blogs"], numbers["epochs"], numbers["exact"]
    lines = []
    if exact:
        lines.append(
            f"**In short:** the blog's number is (1 − MSE) × 100, not an accuracy; "
            f"trained the blog's way for {epochs} epochs, the network gets "
            f"{percent(exact['median'])} of all {exact['pairs']:,} sums exactly right "
            f"(median of {exact['runs']} runs) and "
            + (
                "never reaches the number."
                if numbers["none_reached"]
                else f"reaches the number in {blogs['reached']} of {blogs['n']} runs."
            )
        )
        lines.append("")  # the verdict a paragraph of its own, the figures a list under it
    lines.append(
        f"- **At the blog's {epochs} epochs:** {blogs['reached']} of {blogs['n']} runs "
        f"of the blog's LSTM{engines(blogs['runs_by_engine'], ENGINES_ENGLISH, ' (', ', ', ')')} "
        f"reached {BLOG_FIGURE}% (95% upper bound "
        f"{percent(blogs['upper_bound'])}); the best MSE on the study's fixed 1,000 "
        f"test pairs was {blogs['best_mse_over_blogs']:.0f} times the blog's."
    )
    if numbers["keras224"]:
        lines.append(keras224_english(numbers["keras224"]))
    if numbers["spread"]:
        lines.append(
            f"- **Extrapolated:** a normal fit to log10(MSE) gives a {epochs}-epoch "
            f"run a {scientific(numbers['spread']['chance'])} chance of the blog's MSE "
            "(an extrapolation, not a measurement)."
        )
    if numbers["chance"] is not None:
        lines.append(
            "- **A lucky test sample:** "
            + (
                f"not one of {numbers['draws']:,} simulated 1,000-pair tests like the blog's "
                "showed the figure, for any of these networks."
                if numbers["no_test_showed"]
                else f"a random 1,000-pair test like the blog's shows the figure at most "
                f"{percent(numbers['chance'], 3)} of the time for these networks."
            )
        )
    if numbers["at"]:
        lines.append(longer_english(numbers))
    if numbers["nearest"]:
        lines.append(variants_english(numbers))
    return "\n".join(lines)


def keras224_english(compared: EngineComparison) -> str:
    theirs, ours = compared.theirs, compared.ours
    return (
        f"- **The blog's own Keras 2.2.4:** {theirs.reached} of its {theirs.n} runs reached the "
        f"figure, with a median of {percent(theirs.median_exact, 2)} of all sums right (over the "
        f"default engine's {ours.n} runs: {percent(ours.median_exact, 2)}); a Mann-Whitney test "
        + ("tells its runs from ours" if compared.told_apart else "cannot tell its runs from ours")
        + f" (p = {compared.mse_p:.2g} on the MSE over every pair, {compared.exact_p:.2g} on "
        "exact sums)."
    )


def longer_english(numbers: dict) -> str:
    """The chance after exactly E epochs, each with its count of schedules where fewer than all
    were evaluated there, and within the last E."""
    steps = [
        f"{percent(row['mean'], 2)}{bracket(row, index, '95% interval ', ' to ')} "
        f"after {row['epoch']:,}"
        + (
            f" ({row['schedules']} schedule{'s' if row['schedules'] > 1 else ''} evaluated that "
            "far)"
            if row["schedules"] < numbers["schedules"]
            else ""
        )
        for index, row in enumerate(numbers["at"])
    ]
    return (
        f"- **Training longer:** over {numbers['schedules']} long schedules of the "
        "blog's LSTM, a blog-style test shows the figure with a mean chance of "
        + listed(steps)
        + " epochs exactly"
        + within_english(numbers["within"], numbers["setbacks"])
        + " (results/STUDY.md)."
    )


def variants_english(numbers: dict) -> str:
    """The nearest single change, likely only where its whole interval says so, then what the
    2 x 2 of steps against pairs seen points to."""
    nearest, epochs, tried = numbers["nearest"], numbers["epochs"], numbers["variants"]
    exact = "" if nearest["exact"] is None else f"{nearest['exact']:.2f}% of all sums right and "
    shown = (
        f"medians of {exact}an MSE over every pair of {nearest['mse']:.3g} (the blog's "
        f"{BLOG_MSE:.3g}); a blog-style test shows the figure with a mean chance of "
        f"{row_chance(nearest)}, and {nearest['reached']} of its {nearest['n']} runs reached it"
    )
    if nearest["likely"]:
        reading = f"{nearest['label']} makes the figure likely at {epochs} epochs: {shown}."
    else:
        none = (
            "the one single change tried so far does not make"
            if numbers["one_tried"]
            else f"none of the {tried} single changes tried so far makes"
        )
        reading = (
            f"{none} the figure likely at {epochs} epochs (the whole 95% interval on the mean "
            f"chance above {percent(STOP_PROBABILITY, 0)}); the nearest, {nearest['label']}: "
            f"{shown}."
        )
    return (
        f"- **One change to the blog's script:** {reading} "
        f"{steps_and_pairs_sentence(numbers['steps_and_pairs'])}"
    )


def within_english(within: dict | None, setbacks: int) -> str:
    if not within:
        return ""
    return (
        f"; within {within['epoch']:,} epochs, {within['reached']} of the "
        f"{within['watched']} schedules watched that long (or showing it sooner) showed it at "
        "least once in half of such tests or more ("
        + (
            f"Kaplan-Meier {percent(within['estimate'])}, 95% interval "
            f"{percent(within['low'])} to {percent(within['high'])}"
            if within["reached"]
            else f"95% upper bound {percent(within['high'])}"
        )
        + ")"
        + (
            ", a share of schedules rather than a chance at one epoch count: setbacks after "
            f"the best came in {setbacks} schedule{'s' if setbacks > 1 else ''}"
            if setbacks
            else ""
        )
    )
