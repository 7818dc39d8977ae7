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
