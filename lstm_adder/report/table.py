"""A Markdown table, the one way the report writes one."""

from collections.abc import Iterable, Sequence


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """The table's lines: the header, its rule, then a line a row, each cell as str() gives it."""
    return [table_line(header), "|" + "---|" * len(header), *map(table_line, rows)]


def table_line(cells: Sequence[object]) -> str:
    """ "| a | b |", an empty cell as "| |"."""
    return "|" + "".join(f" {cell} |" if str(cell) else " |" for cell in cells)
