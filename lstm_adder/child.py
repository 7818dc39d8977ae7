"""What a process started for one run does first, whoever started it (the study's job, Keras
2.2.4's training process)."""

import ctypes
import signal
import sys


def follow_parent() -> None:
    """Die with the process that started this one (Linux: a killed worker or command leaves no
    run behind), and leave Ctrl-C to it: Ctrl-C reaches every process of the terminal's group,
    and the starting process alone takes it and ends the rest, without a traceback from each."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    signal.signal(signal.SIGINT, signal.SIG_IGN)
