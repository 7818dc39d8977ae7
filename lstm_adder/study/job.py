"""The process of one run: `python -m lstm_adder.study.job JSON`, where JSON holds its training
configuration, its plan, its label, and the study's verbosity and Monte Carlo draws. A Dask
worker runs that command line (study.cluster), and so does the study itself where Keras runs
here on another backend than the run needs. The run's outcome is the one line it prints on
stdout; its progress, and whatever a library prints, go to stderr (a worker's log)."""

import dataclasses
import json
import os
import subprocess
import sys

from lstm_adder import backend, checkpoint, keras224
from lstm_adder.child import follow_parent
from lstm_adder.cli import REPOSITORY
from lstm_adder.config import KERAS_224, TrainingConfig
from lstm_adder.files import WriteError
from lstm_adder.study import cluster
from lstm_adder.study.plan import Plan, run_config, state_path
from lstm_adder.study.run import run_one
from lstm_adder.study.runs import StudyRun, read_run, run_record
from lstm_adder.study.settings import StudySettings

MODULE = "lstm_adder.study.job"  # what `python -m` runs (this module's __name__ there is __main__)


class RunWriteError(Exception):
    """A run's process could not write its saved state (files.WriteError there), in one line."""


# The errors a run's process reports as one line under a key of its outcome, each raised again
# in the study's process as the last type: (key, caught there, raised here).
RUN_ERRORS = (
    ("checkpoint_error", checkpoint.CheckpointError, checkpoint.CheckpointError),
    ("write_error", WriteError, RunWriteError),
    ("keras224_error", keras224.Keras224Error, keras224.Keras224Error),
)


def job_command(settings: StudySettings, plan: Plan, label: str) -> list[str]:
    """The command line of one run in a process of its own, every path in it absolute: a worker
    of a cluster runs it (from the repository's folder, cluster.run_commands) elsewhere."""
    config = dataclasses.replace(
        run_config(settings, plan), checkpoint=os.path.abspath(state_path(settings, plan))
    )
    job = {
        "config": config.as_dict(),
        "plan": plan.as_dict(),
        "label": label,
        "verbose": settings.verbose,
        "draws": settings.draws,
    }
    return [sys.executable, "-m", MODULE, json.dumps(job)]


def run_here_or_apart(settings: StudySettings, plan: Plan, label: str) -> StudyRun:
    """run_one in this process, or in a fresh one where Keras already runs here on another
    backend than the run's engine needs (Keras cannot switch backends in a running process).
    Keras 2.2.4 always trains in a process of its own (keras224.training)."""
    current = backend.imported()
    if plan.engine == KERAS_224 or current in (None, backend.wanted(plan.engine)[0]):
        config = run_config(settings, plan)
        return run_one(config, plan, label, settings.verbose, settings.draws)
    command = job_command(settings, plan, label)
    finished = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=REPOSITORY)
    return outcome_of(finished, plan, label)


def outcome_of(finished: subprocess.CompletedProcess, plan: Plan, label: str) -> StudyRun:
    """The finished run that a run's process printed, or its error raised here."""
    try:
        outcome = json.loads(finished.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise cluster.RunDied(
            f"{label}: its process ended with exit status {finished.returncode} and no result"
        ) from None
    for key, _, raised in RUN_ERRORS:
        if key in outcome:
            raise raised(outcome[key])
    return read_run(plan.id, outcome["run"])


def main(text: str) -> int:
    if "MALLOC_TRIM_THRESHOLD_" in os.environ:
        # Dask's nanny gives its workers MALLOC_TRIM_THRESHOLD_=65536, so that they hand memory
        # back: glibc then returns the training step's large buffers after every use, which
        # doubled a run's time here (most of it in the kernel). glibc reads it as a process
        # starts: start again without it.
        os.execve(
            sys.executable,
            [sys.executable, "-m", MODULE, text],
            {key: value for key, value in os.environ.items() if key != "MALLOC_TRIM_THRESHOLD_"},
        )
    follow_parent()
    job = json.loads(text)
    sys.stdout.flush()
    result = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    outcome: dict[str, object]
    try:
        run = run_one(
            TrainingConfig(**job["config"]),
            Plan.from_dict(job["plan"]),
            job["label"],
            job["verbose"],
            job["draws"],
        )
        outcome = {"run": run_record(run)}
    except tuple(caught for _, caught, _ in RUN_ERRORS) as error:
        key = next(key for key, caught, _ in RUN_ERRORS if isinstance(error, caught))
        outcome = {key: str(error)}
    sys.stdout.flush()
    result.write(json.dumps(outcome) + "\n")
    result.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
