"""The study through Dask, on a local cluster of 2 workers and tiny configurations: the same
figures as 1 worker, a worker killed mid-run, Ctrl-C, and no socket beyond loopback."""
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


def run_processes():
    """This test's run processes (study.py --job), with the plan each runs."""
    found = {}
    for process in psutil.Process().children(recursive=True):
        try:
            arguments = process.cmdline()
            if "--job" in arguments:
                with open(arguments[arguments.index("--job") + 1]) as file:
                    found[process] = json.load(file)["plan"]["id"]
        except (psutil.Error, OSError, ValueError, IndexError, KeyError):  # ending, or ended
            continue
    return found


def listening_addresses():
    addresses = set()
    for process in [psutil.Process(), *psutil.Process().children(recursive=True)]:
        try:
            addresses |= {connection.laddr.ip for connection in process.net_connections("inet")
                          if connection.status == psutil.CONN_LISTEN}
        except psutil.Error:
            continue
    return addresses


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    results = tmp_path_factory.mktemp("one-worker")
    assert study.main(TINY + ["--workers", "1", "--results", str(results)]) == 0
    return results


def test_two_workers_one_killed_mid_run_give_one_workers_figures(one_worker, tmp_path, capfd):
    results = tmp_path / "two"
    killed, addresses, done = [], set(), threading.Event()

    def watch():
        # Once the long schedule has saved its state, kill -9 the worker that runs it.
        saved = results / "checkpoints" / f"{LONG_RUN}.checkpoint.npz"
        while not done.is_set():
            addresses.update(listening_addresses())
            if not killed and saved.exists():
                for process, run_id in run_processes().items():
                    if run_id == LONG_RUN:
                        worker = process.parent()
                        killed.append(worker.pid)
                        worker.send_signal(signal.SIGKILL)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert study.main(TINY + ["--workers", "2", "--results", str(results)]) == 0
    finally:
        done.set()
        watcher.join()
    out = capfd.readouterr().out
    assert killed, "the long schedule finished before its worker could be killed"
    # Its run went on from its last saved state on a worker of the cluster, and ended as the
    # undisturbed study did, bit for bit.
    assert f"{LONG_RUN}: going on from its saved state at epoch" in out
    assert computed(results) == computed(one_worker)
    assert not list((results / "checkpoints").iterdir())
    # The scheduler, the workers and their nannies listened on the loopback interface only.
    assert addresses and addresses <= {"127.0.0.1", "::1"}


def test_ctrl_c_stops_the_study_and_its_workers_with_one_line(one_worker, tmp_path, capfd):
    results = tmp_path / "stopped"
    command = [sys.executable, "study.py", *TINY, "--workers", "2", "--results", str(results)]
    # A terminal's Ctrl-C: SIGINT to the whole process group, once a run has saved its state.
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.time() + 120
    while not (results / "checkpoints").is_dir() or not any(
            (results / "checkpoints").iterdir()):
        assert process.poll() is None and time.time() < deadline, process.communicate()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().startswith("study.py: interrupted") and err.strip().count("\n") == 0, err
    time.sleep(1)
    assert not [p for p in psutil.process_iter(["cmdline"]) if str(results) in
                " ".join(p.info["cmdline"] or [])], "a worker or run outlived the study"

    # The same command again (here in this process) goes on from where it stopped, to the
    # undisturbed figures.
    assert study.main(command[2:]) == 0
    assert "already done" in capfd.readouterr().out
    assert computed(results) == computed(one_worker)


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
