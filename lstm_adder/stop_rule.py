"""The long schedules' stop rule: the study stops a long schedule by it, and its report says
when each schedule reached it (the observed schedules are never stopped, only measured by it).

The rule: at least half of the blog's kind of test (1,000 random pairs) would show the blog's
figure, estimated at an evaluation from the network's error on every pair
(scoring.sampling_distribution).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lstm_adder.study.runs import Figures

STOP_PROBABILITY = 0.5


def probability(result: "Figures") -> float | None:
    """The share of blog-style random tests that reach the blog's figure, or None if unknown."""
    return result["sampling"]["probability_reaching_blog_figure"] if "sampling" in result else None


def reaches_stop(result: "Figures") -> bool:
    chance = probability(result)
    return chance is not None and chance >= STOP_PROBABILITY
