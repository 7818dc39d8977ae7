"""The study through Dask, on a local cluster of 2 workers and tiny configurations: a worker
killed mid-run and Ctrl-C, and still the figures of 1 worker; no socket beyond loopback."""
import json
import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

import study
from conftest import ROOT

# make test runs the suite on several processes (pytest-xdist): this module's tests stay on one,
# so that its tiny study (a module fixture) is trained once.
pytestmark = pytest.mark.xdist_group("study-dask")

# A long schedule (8 epochs, evaluated every 2) and two plain runs, each run on one core.
TINY = ["--seeds", "2", "--other-seeds", "0", "--keras-seeds", "0", "--epochs", "2", "--bits",
        "4", "--data-size", "200", "--long-epochs", "8", "--long-seeds", "1", "--every", "2",
        "--activations", "keras2_hard_sigmoid", "--cores-per-run", "1"]
LONG_RUN = "keras2_hard_sigmoid-long-8ep-every2-seed1"


def computed(results):
    """What a run computed, without when, where and how long: it must not depend on them."""
    runs = json.loads((results / "study.json").read_text())["runs"]
    return {run_id: (run["loss_per_epoch"], run["figures"], run["evaluations"], run["cores"])
            for run_id, run in runs.items()}


def run_processes(root):
    """The run processes (study.py --job) under `root`, with the plan each runs."""
    found = {}
    for process in root.children(recursive=True):
        try:
            arguments = process.cmdline()
            if "--job" in arguments:
                with open(arguments[arguments.index("--job") + 1]) as file:
                    found[process] = json.load(file)["plan"]["id"]
        except (psutil.Error, OSError, ValueError, IndexError, KeyError):  # ending, or ended
            continue
    return found


def listening_addresses(root):
    addresses = set()
    for process in [root, *root.children(recursive=True)]:
        try:
            addresses |= {connection.laddr.ip for connection in process.net_connections("inet")
                          if connection.status == psutil.CONN_LISTEN}
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


def test_a_killed_worker_then_ctrl_c_end_with_one_workers_figures(one_worker, tmp_path, capfd):
    # One study on 2 workers, disturbed twice: the worker running the long schedule is killed
    # (kill -9) once that run has saved its state, and once the run has gone on from that state
    # on a worker of the cluster, the terminal's Ctrl-C (SIGINT to the whole process group)
    # stops the study. The same command then finishes it, to the figures of an undisturbed
    # study on 1 worker, bit for bit.
    results = tmp_path / "disturbed"
    command = [sys.executable, "study.py", *TINY, "--workers", "2", "--results", str(results)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    out, err = [], []
    readers = [threading.Thread(target=lines_of, args=(process.stdout, out)),
               threading.Thread(target=lines_of, args=(process.stderr, err))]
    for reader in readers:
        reader.start()
    root = psutil.Process(process.pid)
    saved = results / "checkpoints" / f"{LONG_RUN}.checkpoint.npz"
    resumed = f"{LONG_RUN}: going on from its saved state at epoch"
    killed, addresses, deadline = [], set(), time.time() + 240
    while not any(resumed in line for line in out):
        assert process.poll() is None and time.time() < deadline, "".join(out + err)
        addresses |= listening_addresses(root)
        if not killed and saved.exists():
            for run, run_id in run_processes(root).items():
                if run_id == LONG_RUN:
                    killed.append(run.parent().pid)
                    run.parent().send_signal(signal.SIGKILL)
        time.sleep(0.05)
    lines_before = len(err)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == 130, "".join(err)
    for reader in readers:
        reader.join()
    assert killed
    # Ctrl-C: one line, and no worker or run left behind.
    after = "".join(err[lines_before:]).strip()  # it starts on a line of its own, after ^C
    assert after.startswith("study.py: interrupted") and "\n" not in after, after
    time.sleep(1)
    assert not [p for p in psutil.process_iter(["cmdline"]) if str(results) in
                " ".join(p.info["cmdline"] or [])], "a worker or run outlived the study"
    # The scheduler, the workers and their nannies listened on the loopback interface only.
    assert addresses and addresses <= {"127.0.0.1", "::1"}

    # The same command again (here in this process) goes on from where it stopped.
    assert study.main(command[2:]) == 0
    assert resumed in capfd.readouterr().out
    assert computed(results) == computed(one_worker)
    assert not list((results / "checkpoints").iterdir())


def test_an_existing_cluster_by_its_address(tmp_path, capsys, monkeypatch):
    import distributed

    plain = ["--seeds", "1", "--other-seeds", "0", "--keras-seeds", "0", "--epochs", "2", "--bits",
             "4", "--data-size", "200", "--long-epochs", "0", "--activations",
             "keras2_hard_sigmoid"]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert study.main(plain + ["--scheduler", cluster.scheduler_address, "--results",
                                   str(tmp_path)]) == 0
    assert f"Running on the Dask cluster at {cluster.scheduler_address}" in capsys.readouterr().out
    runs = json.loads((tmp_path / "study.json").read_text())["runs"]
    assert list(runs) == ["keras2_hard_sigmoid-seed1-2ep"]
    # Nothing answers there now: one line, exit status 2.
    monkeypatch.setattr(study, "SCHEDULER_TIMEOUT", "2s")
    assert study.main(["--seeds", "2"] + plain[2:] + ["--scheduler", cluster.scheduler_address,
                                                      "--results", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("study.py: error: cannot reach the Dask scheduler at")
    assert error.count("\n") == 1
