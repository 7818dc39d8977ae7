"""Running the study's runs on Dask: a local cluster of worker processes on this machine, or
an existing cluster at an address.

A run is a command line (`python -m lstm_adder.study.job`, study/job.py), and its Dask task is
Python's own subprocess.run of that command: a function and arguments any Dask scheduler
unpickles (it unpickles every task it is sent) without this project's code, for workers that
run in the repository's .venv. A worker that dies mid-run is replaced, and Dask gives its task
to a worker again (up to distributed.scheduler.allowed-failures times): the run goes on from its
last saved state. Every error from Dask reaches the user as one line (SchedulerError, RunDied).

Only the standard library is imported here at first: the local cluster's workers import this
module (dask_setup) as they start.
"""

import os
import signal
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

from lstm_adder.cli import REPOSITORY
from lstm_adder.wording import one_line

SCHEDULER_TIMEOUT = "20s"  # how long --scheduler's address may take to answer


class SchedulerError(Exception):
    """The Dask cluster cannot be reached, or cannot run the study's runs; the message says
    what to do, in one line."""


class RunDied(Exception):
    """A run's process died without a result, again and again (or once, outside Dask), in one
    line: it goes on from its last saved state when the study starts again."""


def run_commands(
    commands: Sequence[tuple[Any, str, list[str]]],
    finished: Callable[[Any, subprocess.CompletedProcess], None],
    scheduler: str | None = None,
    workers: int = 1,
    worker_cores: Sequence[Sequence[int]] | None = None,
    dashboard: int | None = None,
) -> None:
    """Run each (plan, label, command line) of `commands` as one Dask task, in their order of
    priority, on a local cluster of `workers` processes (worker i on worker_cores[i]) or on the
    cluster at `scheduler`; finished(plan, subprocess.CompletedProcess) as each one ends."""
    import distributed

    if not commands:
        return
    cluster = None if scheduler else local_cluster(workers, worker_cores, dashboard)
    client = connect(scheduler) if scheduler else distributed.Client(cluster)
    try:
        print(
            f"Running {workers} at a time on a local Dask cluster (127.0.0.1)"
            if cluster
            else f"Running on the Dask cluster at {scheduler}",
            flush=True,
        )
        # Priorities keep the running order (Dask would otherwise pick among queued tasks).
        # retries: a run whose own process was killed goes on from its saved state too.
        futures = {
            client.submit(
                subprocess.run,
                command,
                stdout=subprocess.PIPE,
                text=True,
                check=True,
                cwd=REPOSITORY,  # a run is `python -m` of the package (study.job)
                key=f"run-{plan.id}",
                pure=False,
                priority=-number,
                retries=2,
            ): (plan, label)
            for number, (plan, label, command) in enumerate(commands)
        }
        for future in distributed.as_completed(futures):
            plan, label = futures[future]
            finished(plan, task_result(future, label))
    finally:
        client.close()
        if cluster is not None:
            try:
                cluster.close()
            except (TimeoutError, OSError):
                # A busy machine can take longer than Dask waits to close its workers: they are
                # daemonic processes of this one, and end with it (their runs with them).
                pass


def connect(address: str) -> Any:
    """A Dask client of the cluster at `address` (SchedulerError if there is none)."""
    import distributed

    try:
        return distributed.Client(address, timeout=SCHEDULER_TIMEOUT)
    except TypeError as error:
        if "ssl_context" not in str(error):
            raise
        raise SchedulerError(
            f"cannot connect to {address}: tls:// needs Dask's TLS settings, and none are set: "
            "give distributed.comm.tls.ca-file, distributed.comm.tls.client.cert and "
            "distributed.comm.tls.client.key in Dask's configuration (or the variables "
            "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, ..._CLIENT__CERT, ..._CLIENT__KEY)"
        ) from None
    except (OSError, TimeoutError, ValueError) as error:
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {address}: "
            f"{one_line(error)}: start it, or check the address"
        ) from None


def local_cluster(
    workers: int, worker_cores: Sequence[Sequence[int]] | None, dashboard: int | None
) -> Any:
    """A Dask cluster of `workers` processes on this machine, each on its share of the cores.
    A scheduler runs whatever its clients send it: this one listens on the loopback interface
    only, and serves no dashboard unless asked (its health and metrics pages are on the
    loopback interface too, on a free port). The workers only start runs, each in a process of
    its own: they keep the user's environment rather than Dask's settings for workers that
    compute themselves (study/job.py). Its processes start with SIGINT ignored, and a
    worker that replaces a dead one ignores it through dask_setup: Ctrl-C is the study's."""
    import logging

    import dask
    import distributed

    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    settings: dict = {
        "distributed.nanny.pre-spawn-environ": {},
        "lstm-adder.worker-cores": worker_cores,
    }
    try:
        with dask.config.set(settings):
            return distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=(f"127.0.0.1:{dashboard}" if dashboard is not None else None),
                scheduler_kwargs=(
                    {} if dashboard is not None else {"dashboard_address": "127.0.0.1:0"}
                ),
                silence_logs=logging.ERROR,
                preload=[__name__],
            )
    finally:
        signal.signal(signal.SIGINT, interrupt)


def task_result(future: Any, label: str) -> subprocess.CompletedProcess:
    """A run's finished process from its Dask task, or the reason it has none, in one line."""
    import distributed

    try:
        return future.result()
    except distributed.KilledWorker:
        raise RunDied(
            f"{label}: the workers running it died too often "
            "(distributed.scheduler.allowed-failures)"
        ) from None
    except subprocess.CalledProcessError as error:
        raise RunDied(
            f"{label}: its process ended with exit status {error.returncode}, three "
            "times: the log of the worker that ran it says why"
        ) from None
    except FileNotFoundError as error:
        raise SchedulerError(
            f"{label}: a worker cannot start it ({one_line(error)}): start the Dask workers "
            f"where this repository's folder and its .venv are at the same path as here, "
            f"{REPOSITORY} (docs/study.md)"
        ) from None
    except (RuntimeError, OSError, ValueError, TypeError) as error:
        raise SchedulerError(
            f"{label}: the Dask cluster cannot run it: {one_line(error)}"
        ) from None


def dask_setup(worker: Any) -> None:
    """Dask's preload hook, run in each worker process of the local cluster as it starts (a
    replacement for a dead one too). The terminal's Ctrl-C reaches the whole process group, and
    it is the study's to stop the cluster, not a worker's to die of with a traceback. And the
    worker takes its share of the cores (lstm-adder.worker-cores, by its name 0, 1, ...) before
    it starts any run: a run's process starts on them, and sizes its thread pools for them."""
    import dask

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    shares = dask.config.get("lstm-adder.worker-cores", None)
    if shares:
        cores = shares[int(worker.name) % len(shares)]
        for thread in os.listdir("/proc/self/task"):  # every thread: a run starts from any
            os.sched_setaffinity(int(thread), cores)
