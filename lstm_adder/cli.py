"""What the scripts share at the command line: option types (a bad value is refused by argparse
with exit status 2), and the memory and output-folder checks made before any work."""

import argparse
import os
import shlex
import sys
import tempfile


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """argparse's help with each option's default, except where there is none to show (a flag,
    False, or an option that does nothing until given, None) or the help already says it."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False or "(default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def non_negative_int(text: str) -> int:
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def bit_count(text: str) -> int:
    """Bits per operand: 1..16 (16 already makes 2**32 possible pairs)."""
    value = positive_int(text)
    if value > 16:
        raise argparse.ArgumentTypeError(f"{value} is outside 1..16")
    return value


def available_memory() -> int:
    """Bytes this machine can still give a process (psutil: Linux's MemAvailable, and the like
    elsewhere)."""
    import psutil

    return int(psutil.virtual_memory().available)


def refuse_if_too_big(
    parser: argparse.ArgumentParser, option: str, count: int, bytes_each: int
) -> None:
    """Exit 2 with one line, before any work, if `count` items of `bytes_each` cannot fit in the
    memory that is free now (a typo like --data-size 2000000000 would otherwise fill it)."""
    needed, available = count * bytes_each, available_memory()
    if needed > available:
        parser.error(
            f"{option} {count:,} needs about {needed / 2**30:,.1f} GiB of memory, and "
            f"{available / 2**30:,.1f} GiB is available now: use a smaller value"
        )


def check_output_folder(path: str) -> str | None:
    """Create the folder of an output file if needed and prove it takes a file, before any work.
    Returns the first folder it created (None if there was one), for the caller to remove if
    nothing goes into it. Raises OSError."""
    if os.path.isdir(path):
        raise IsADirectoryError(21, "it is a directory")
    folder = os.path.dirname(os.path.abspath(path))
    first = folder
    while not os.path.exists(os.path.dirname(first)):
        first = os.path.dirname(first)
    created = None if os.path.exists(folder) else first
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryFile(dir=folder):
        pass
    return created


def writable_output(parser: argparse.ArgumentParser, option: str, path: str) -> str | None:
    """check_output_folder for an option's file, or exit 2 with one line that names it."""
    try:
        return check_output_folder(path)
    except OSError as error:
        parser.error(f"{option} {path!r}: cannot write there ({error.strerror or error})")


REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def command_line(script: str, *arguments: object) -> str:
    """How to run one of the repository's commands from here, with the Python that is running
    (a plain `python` may lack the packages), ready to copy."""
    here = os.getcwd()
    python = (
        os.path.relpath(sys.executable)
        if sys.executable.startswith(here + os.sep)
        else sys.executable
    )
    script = os.path.relpath(os.path.join(REPOSITORY, script))
    return " ".join(shlex.quote(str(part)) for part in (python, script, *arguments))
