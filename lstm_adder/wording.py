"""Numbers as the project's texts write them: one way, for the report, the READMEs and
evaluate.py alike."""


def percent(fraction: float, digits: int = 1) -> str:
    return f"{100 * fraction:.{digits}f}%"


def scientific(value: float) -> str:
    """A small probability as people read it: 3.2e-07 rather than 0.000%."""
    return f"{100 * value:.2g}%" if value >= 1e-4 else f"{value:.1e}"


def one_line(error: BaseException) -> str:
    """An exception's whole message on one line (Dask's, for one, run over several)."""
    return " ".join(str(error).split()) or repr(error)


def listed(items: list[str]) -> str:
    """Items as a sentence lists them: "a, b and c"."""
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def with_interval(
    mean: float | None,
    low: float | None,
    high: float | None,
    to: str = " to ",
    opening: str = " (",
    closing: str = ")",
) -> str:
    """A mean chance and its interval in brackets, "50.60% (18.00% to 90.00%)"; the mean alone
    where no interval is known or every value was the same, "-" where nothing is."""
    if mean is None:
        return "-"
    if low is None or high is None or low == high == mean:
        return percent(mean, 2)
    return f"{percent(mean, 2)}{opening}{percent(low, 2)}{to}{percent(high, 2)}{closing}"


def runs_so_far(finished: int, planned: int | None) -> str:
    """A group's finished runs, "7 of 10 so far" while some of its planned runs are not."""
    return f"{finished} of {planned} so far" if planned and finished < planned else str(finished)
