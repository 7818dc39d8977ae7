"""make verify: retraining a model as its record says gives its bytes back, and a different
run is told apart in one line, with the epoch where the two part."""

import json
import shutil

import pytest

from lstm_adder import verify
from lstm_adder.record import record_path_for

from conftest import TINY, run_script


@pytest.mark.slow
def test_a_model_retrained_as_its_record_says_is_the_same_file(tmp_path, capsys):
    path = tmp_path / "m.h5"
    # A fresh process, as verify's retraining is: this one has run other tests' networks.
    made = run_script("train_lstm_adder.py", *TINY, "--seed", 3, "--output", path, process=True)
    assert made.returncode == 0, made.stderr
    assert verify.main(str(path)) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("same: the retrained model is the original byte for byte")


@pytest.mark.slow
def test_another_network_is_told_apart_with_the_epoch_where_it_parts(tmp_path, capsys):
    path = tmp_path / "m.h5"
    assert run_script("train_lstm_adder.py", *TINY, "--output", path).returncode == 0
    # The record says seed 2 made it: retraining with seed 2 gives another network.
    with open(record_path_for(path), encoding="utf-8") as file:
        record = json.load(file)
    record["config"]["seed"] = 2
    with open(record_path_for(path), "w", encoding="utf-8") as file:
        json.dump(record, file)
    assert verify.main(str(path)) == 1
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("different: sha256 ") and "the loss first differs at epoch 1" in line


def test_the_line_for_files_that_differ_where_every_loss_agrees():
    record = {"loss_per_epoch": [0.3, 0.2], "machine": {"processor": "P", "cpus": 2}}
    assert verify.first_difference([0.3, 0.25], [0.3, 0.2]) == (2, 0.25, 0.2)
    assert verify.first_difference([0.3, 0.2], [0.3, 0.2]) is None
    line = verify.verdict(record, record, "a" * 64, "b" * 64, 2)
    assert "every epoch's loss agrees, yet the files differ" in line and "P, 2 CPUs" in line
    assert verify.verdict(record, record, "a" * 64, "a" * 64, 2).startswith("same:")


def test_a_model_without_a_readable_record_gets_one_line(tmp_path, capsys):
    path = tmp_path / "m.h5"
    shutil.copy(verify.SHIPPED, path)
    assert verify.main(str(path)) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"verify: cannot use {path} and its record:") and "\n" not in error
