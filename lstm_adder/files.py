"""The one way the project writes a file: whole, or not at all.

Every file a command writes (a model and its run record, a checkpoint, study.json, STUDY.md, the
READMEs' answers, a picture, bench.json) is first written to a temporary file in the same folder,
flushed to disk, then renamed over its target. A crash, a signal or a full disk before the rename
leaves the target as it was and no temporary file behind; an OSError becomes a WriteError whose
one line names the target and the cause, for the command to print.
"""

import contextlib
import glob
import os
import signal
import tempfile
from collections.abc import Iterator, Sequence

# Held back during the renames of several files, so that they happen as a pair.
HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class WriteError(Exception):
    """A file that could not be written, in one line: 'cannot write PATH: CAUSE'."""

    def __init__(self, path, error):
        cause = (
            os.strerror(error.errno).lower()
            if getattr(error, "errno", None)
            else str(error).splitlines()[0]
            if str(error)
            else repr(error)
        )
        super().__init__(f"cannot write {path}: {cause}")
        self.path = path


class Replacement:
    """What replacing() yields: the temporary files to write, and, after the block, the signal
    that arrived while they were renamed (None if none did; with report_late_signal only)."""

    def __init__(self, temporaries: list[str]) -> None:
        self.temporaries = temporaries
        self.late_signal: int | None = None


def temporary_affixes(path: str) -> tuple[str, str]:
    """How a temporary file beside `path` is named: `.NAME.` + random + `.tmp.EXT`."""
    return f".{os.path.basename(path)}.", f".tmp{os.path.splitext(path)[1]}"


def leftover_temporaries(path: str) -> list[str]:
    """The temporary files a writer of `path` killed mid-write (SIGKILL) left beside it."""
    prefix, suffix = temporary_affixes(path)
    folder = os.path.dirname(os.path.abspath(path))
    return glob.glob(
        os.path.join(glob.escape(folder), glob.escape(prefix) + "*" + glob.escape(suffix))
    )


@contextlib.contextmanager
def replacing(*paths: str, report_late_signal: bool = False) -> Iterator[Replacement]:
    """Temporary files beside `paths`, to be written in the block (each ends as its target does:
    .h5, .png, ... picks the writer's format); after it, each replaces its target. An error in
    the block or in the renames removes them all and leaves every target as it was; OSError is
    raised as WriteError. A SIGINT or SIGTERM that arrives during the renames waits until all
    are done: then it is raised again for the program's own handler, or, with
    report_late_signal, left in the Replacement for the caller to report."""
    replacement = Replacement([])
    try:
        for path in paths:
            prefix, suffix = temporary_affixes(path)
            descriptor, temporary = tempfile.mkstemp(
                prefix=prefix, suffix=suffix, dir=os.path.dirname(os.path.abspath(path))
            )
            os.close(descriptor)
            replacement.temporaries.append(temporary)
        yield replacement
        for temporary in replacement.temporaries:
            flush_to_disk(temporary)
            permissions_as_open(temporary)  # mkstemp's files are private; ours are not
        replacement.late_signal = rename_together(replacement.temporaries, paths)
        if replacement.late_signal and not report_late_signal:
            signal.raise_signal(replacement.late_signal)
    except OSError as error:
        named = [
            path
            for path, temporary in zip(paths, replacement.temporaries)
            if getattr(error, "filename", None) in (temporary, path)
        ]
        raise WriteError((named or paths)[0], error) from None
    finally:
        for temporary in replacement.temporaries:
            if os.path.exists(temporary):
                os.remove(temporary)


def write_atomically(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path` whole, or not at all (WriteError)."""
    with (
        replacing(path) as replacement,
        open(replacement.temporaries[0], "w", encoding="utf-8") as file,
    ):
        file.write(text)


def flush_to_disk(path: str) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())


def permissions_as_open(path: str) -> None:
    """Give a file made by tempfile.mkstemp, which is readable by its owner only, the
    permissions open() would have given it: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def rename_together(temporaries: Sequence[str], paths: Sequence[str]) -> int | None:
    """Rename each temporary file to its target with SIGINT's and SIGTERM's handlers held back:
    the signal that came during the renames, if any (the files are all in place by then).

    Held back at Python's level, not by blocking the signals in this thread: a signal sent to
    the process may reach any of its threads (XLA's, Dask's), and Python then runs its handler
    in the main thread all the same."""
    late: list[int] = []
    try:
        previous = {
            signum: signal.signal(signum, lambda signum, frame: late.append(signum))
            for signum in HELD_SIGNALS
        }
    except ValueError:  # not the main thread, where no handler of ours runs anyway
        previous = {}
    try:
        for temporary, path in zip(temporaries, paths):
            os.replace(temporary, path)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return min(late) if late else None
