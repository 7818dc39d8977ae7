"""The study through Dask on tiny configurations: a local cluster of 2 workers, and a real
cluster of its own processes (a `dask scheduler` with none of this project's code on its path,
and a `dask worker` of 2 processes), each disturbed by a worker killed mid-run and still ending
with the figures of 1 worker; Ctrl-C; Dask's errors in one line; no socket beyond loopback."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

from lstm_adder.study import cluster, job
from lstm_adder.study.ledger import load_done

import study
from conftest import ROOT, tiny_study

# make test runs the suite on several processes (pytest-xdist): this module's tests stay on one,
# so that its tiny study (a module fixture) is trained once.
pytestmark = [pytest.mark.xdist_group("study-dask"), pytest.mark.slow]

# A long schedule (8 epochs, evaluated every 2) and two plain runs, each run on one core.
TINY = tiny_study(seeds=2, long_epochs=8, cores_per_run=1, workers=None)
LONG_RUN = "keras2_hard_sigmoid-long-8ep-every2-seed1"
DASK = os.path.join(os.path.dirname(sys.executable), "dask")


def computed(results):
    """What a run computed, without when, where and how long: it must not depend on them."""
    runs = load_done(str(results / "study.json"))
    assert {run.cores for run in runs.values()} == {1}  # --cores-per-run 1
    return {
        run_id: (run.loss_per_epoch, run.figures, run.evaluations, run.cores)
        for run_id, run in runs.items()
    }


def run_processes(root):
    """The run processes (python -m lstm_adder.study.job JSON) under `root`, with the plan each
    runs."""
    found = {}
    for process in root.children(recursive=True):
        try:
            arguments = process.cmdline()
            if job.MODULE in arguments:
                given = arguments[arguments.index(job.MODULE) + 1]
                found[process] = json.loads(given)["plan"]["id"]
        except (psutil.Error, ValueError, IndexError, KeyError):  # ending, or ended
            continue
    return found


def kill_the_long_runs_worker(results, root, until, deadline=240):
    """Wait until the long schedule has saved its state, kill -9 the worker process running it
    (a run process under `root`), then wait until `until()`: the pids of the killed worker."""
    saved = results / "checkpoints" / f"{LONG_RUN}.checkpoint.npz"
    killed, addresses, end = [], set(), time.time() + deadline
    while not until():
        assert time.time() < end, "the study did not get there in time"
        addresses |= listening_addresses(root)
        if not killed and saved.exists():
            for run, run_id in run_processes(root).items():
                if run_id == LONG_RUN:
                    # Stopped first, so that it cannot finish before its worker dies; the
                    # worker's death then kills it (its parent-death signal).
                    run.suspend()
                    killed.append(run.parent().pid)
                    run.parent().send_signal(signal.SIGKILL)
        time.sleep(0.05)
    assert killed
    return killed, addresses


def listening_addresses(root):
    addresses = set()
    for process in [root, *root.children(recursive=True)]:
        try:
            addresses |= {
                connection.laddr.ip
                for connection in process.net_connections("inet")
                if connection.status == psutil.CONN_LISTEN
            }
        except psutil.Error:
            continue
    return addresses


def lines_of(stream, into):
    """Collect a pipe's lines as they come (a thread's work)."""
    for line in stream:
        into.append(line)


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    results = tmp_path_factory.mktemp("one-worker")
    assert study.main(TINY + ["--workers", "1", "--results", str(results)]) == 0
    return results


def started(command, **options):
    """A process whose stdout and stderr lines are collected as they come."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options
    )
    process.out, process.err = [], []
    process.readers = [
        threading.Thread(target=lines_of, args=(stream, lines), daemon=True)
        for stream, lines in ((process.stdout, process.out), (process.stderr, process.err))
    ]
    for reader in process.readers:
        reader.start()
    return process


def ended(process, timeout=60):
    """The exit status of a started() process, once it has ended and all it printed is read."""
    status = process.wait(timeout=timeout)
    for reader in process.readers:
        reader.join(timeout)
    return status


def test_a_killed_worker_then_ctrl_c_end_with_one_workers_figures(one_worker, tmp_path, capfd):
    # One study on 2 workers, disturbed twice: the worker running the long schedule is killed
    # (kill -9) once that run has saved its state, and once the run has gone on from that state
    # on a worker of the cluster, the terminal's Ctrl-C (SIGINT to the whole process group)
    # stops the study. The same command then finishes it, to the figures of an undisturbed
    # study on 1 worker, bit for bit.
    results = tmp_path / "disturbed"
    command = [sys.executable, "study.py", *TINY, "--workers", "2", "--results", str(results)]
    process = started(command, cwd=ROOT, start_new_session=True)
    root = psutil.Process(process.pid)
    resumed = f"{LONG_RUN}: going on from its saved state at epoch"
    killed, addresses = kill_the_long_runs_worker(
        results,
        root,
        lambda: process.poll() is not None or any(resumed in line for line in process.err),
    )
    assert process.poll() is None, "".join(process.out + process.err)
    under_the_study = root.children(recursive=True)
    lines_before = len(process.err)
    os.killpg(process.pid, signal.SIGINT)
    assert ended(process) == 130, "".join(process.err)
    # Ctrl-C: one line, and no worker or run left behind.
    after = "".join(
        line for line in process.err[lines_before:] if not line.startswith("  [")
    ).strip()  # a run's progress, before ^C
    assert after.startswith("study.py: interrupted") and "\n" not in after, after
    gone, alive = psutil.wait_procs(under_the_study, timeout=10)
    assert under_the_study and not alive, f"outlived the study: {alive}"
    # The scheduler, the workers and their nannies listened on the loopback interface only.
    assert addresses and addresses <= {"127.0.0.1", "::1"}

    # The same command again (here in this process) goes on from where it stopped.
    assert study.main(command[2:]) == 0
    assert resumed in capfd.readouterr().err
    assert computed(results) == computed(one_worker)
    assert not list((results / "checkpoints").iterdir())


@pytest.fixture(scope="module")
def real_cluster(tmp_path_factory):
    if not shutil.which("taskset"):
        pytest.skip("taskset (util-linux) pins the workers to one core")
    """A Dask cluster as a user starts one: `dask scheduler` in a folder of its own with none of
    this project's code on its path, and `dask worker` with 2 processes on one core (so that
    its runs compute as the 1-worker study's, with 1 core a run). Yields (address, worker)."""
    folder = tmp_path_factory.mktemp("scheduler")
    address_file = folder / "scheduler.json"
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    scheduler = started(
        [
            DASK,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(address_file),
        ],
        cwd=folder,
        env=environment,
    )
    worker = None
    try:
        for _ in range(600):
            if address_file.exists() and address_file.stat().st_size:
                break
            assert scheduler.poll() is None, "".join(scheduler.err)
            time.sleep(0.05)
        address = json.loads(address_file.read_text())["address"]
        core = str(min(os.sched_getaffinity(0)))
        worker = started(
            [
                "taskset",
                "-c",
                core,
                DASK,
                "worker",
                address,
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=environment,
        )
        yield address, worker
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


def test_a_real_cluster_runs_the_study_through_a_killed_worker(real_cluster, one_worker, tmp_path):
    address, worker = real_cluster
    results = tmp_path / "on-a-cluster"
    study_process = started(
        [sys.executable, "study.py", *TINY, "--scheduler", address, "--results", str(results)],
        cwd=ROOT,
    )
    killed, _ = kill_the_long_runs_worker(
        results, psutil.Process(worker.pid), lambda: study_process.poll() is not None
    )
    assert ended(study_process) == 0, "".join(study_process.err)
    assert f"Running on the Dask cluster at {address}" in "".join(study_process.out)
    assert computed(results) == computed(one_worker)
    assert not list((results / "checkpoints").iterdir())


def test_dask_errors_are_one_line(real_cluster, tmp_path, capsys, monkeypatch):
    address, _ = real_cluster
    plain = tiny_study(workers=None, results=tmp_path)

    def error_of(*options):
        assert study.main(plain + list(options)) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and error.startswith("study.py: error: "), error
        return error

    # A worker that cannot find this folder's Python: where it must be.
    monkeypatch.setattr(sys, "executable", "/nowhere/.venv/bin/python")
    assert "a worker cannot start it" in error_of("--scheduler", address)
    assert f"at the same path as here, {ROOT}" in error_of("--scheduler", address)
    monkeypatch.undo()
    # tls:// without Dask's certificates: the settings to give.
    assert "distributed.comm.tls.ca-file" in error_of("--scheduler", address.replace("tcp", "tls"))
    # Nothing answers there.
    monkeypatch.setattr(cluster, "SCHEDULER_TIMEOUT", "2s")
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in error_of(
        "--scheduler", "tcp://127.0.0.1:9"
    )


PLAIN = tiny_study(epochs=200, workers=None)


def wait_for_a_saved_state(process, results):
    """Wait until the tiny plain run has saved its first state: by then its process is well
    under way, with its parent-death signal set."""
    saved = results / "checkpoints" / "keras2_hard_sigmoid-seed1-200ep.checkpoint.npz"
    end = time.time() + 240
    while not saved.exists():
        assert process.poll() is None and time.time() < end, "".join(process.err)
        time.sleep(0.05)


def test_sigterm_to_the_study_alone_stops_its_cluster_with_one_line(tmp_path):
    # `kill PID` of the study only: it stops its workers and their runs, as Ctrl-C does.
    process = started(
        [sys.executable, "study.py", *PLAIN, "--workers", "1", "--results", str(tmp_path)], cwd=ROOT
    )
    root = psutil.Process(process.pid)
    wait_for_a_saved_state(process, tmp_path)
    under_the_study = root.children(recursive=True)
    process.send_signal(signal.SIGTERM)
    assert ended(process) == 130
    errors = [line for line in process.err if not line.startswith("  [")]
    assert "".join(errors).strip().startswith("study.py: interrupted"), errors
    _, alive = psutil.wait_procs(under_the_study, timeout=10)
    assert not alive, f"outlived the study: {alive}"


def test_a_run_whose_workers_die_too_often_ends_the_study_with_one_line(tmp_path):
    # Dask may give a task to a new worker after its worker died this many times: none here.
    environment = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="0")
    process = started(
        [sys.executable, "study.py", *PLAIN, "--workers", "1", "--results", str(tmp_path)],
        cwd=ROOT,
        env=environment,
    )
    root = psutil.Process(process.pid)
    wait_for_a_saved_state(process, tmp_path)
    run = next(iter(run_processes(root)))
    run.suspend()
    run.parent().send_signal(signal.SIGKILL)
    assert ended(process, timeout=120) == 1
    errors = [line for line in process.err if line.startswith("study.py:")]
    assert len(errors) == 1 and "the workers running it died too often" in errors[0], "".join(
        process.err
    )
    assert "the same command goes on from each run's last saved state" in errors[0]


# A local cluster with its dashboard, in a process of its own (a cluster started inside the test
# process would share it with the suite's other tests): the addresses its sockets listen on.
DASHBOARD = """
import json, sys
import psutil
sys.path.insert(0, {root!r})
from lstm_adder.study import cluster, job
this = psutil.Process()
with cluster.local_cluster(1, None, dashboard=0) as local:
    listening = [connection.laddr.ip for process in [this, *this.children(recursive=True)]
                 for connection in process.net_connections("inet")
                 if connection.status == psutil.CONN_LISTEN]
    print(json.dumps({{"link": local.dashboard_link, "addresses": listening}}))
"""


def test_the_dashboard_listens_on_the_loopback_interface_only(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", DASHBOARD.format(root=ROOT)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["link"].startswith("http://127.0.0.1:")
    assert found["addresses"] and set(found["addresses"]) <= {"127.0.0.1", "::1"}
