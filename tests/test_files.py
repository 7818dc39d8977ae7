"""A file that cannot be written (a full disk, a read-only folder): one line naming the file and
the cause, a non-zero exit status, every previous file as it was and no temporary file left,
for each kind of file the commands write."""

import errno
import os
import shutil
import signal
import subprocess

import pytest

from lstm_adder import files

import study
from conftest import TINY, listing, run_script, tiny_study

CAUSES = {errno.ENOSPC: "no space left on device", errno.EACCES: "permission denied"}


@pytest.fixture(params=sorted(CAUSES))
def failing_write(request, monkeypatch):
    """Make every write of a file whose name ends in one of `endings` fail with this errno, as
    the disk would when its contents are flushed; returns (set it up, the cause's words)."""

    def fail_on(*endings):
        real = files.flush_to_disk

        def flush(path):
            if path.endswith(endings):
                raise OSError(request.param, os.strerror(request.param), path)
            real(path)

        monkeypatch.setattr(files, "flush_to_disk", flush)

    return fail_on, CAUSES[request.param]


def one_error_line(result, prefix):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), result.stderr
    return lines[0]


def test_the_helper_leaves_the_target_as_it_was(tmp_path, failing_write):
    fail_on, cause = failing_write
    target = tmp_path / "study.json"
    target.write_text("before")
    fail_on(".json")
    with pytest.raises(files.WriteError) as raised:
        files.write_atomically(str(target), "after")
    assert str(raised.value) == f"cannot write {target}: {cause}"
    assert os.listdir(tmp_path) == ["study.json"] and target.read_text() == "before"


def test_a_model_that_cannot_be_saved(tmp_path, failing_write):
    fail_on, cause = failing_write
    output = tmp_path / "LSTM_Operation.h5"
    output.write_bytes(b"the previous model")
    output.with_suffix(".json").write_bytes(b"{}")
    before = listing(tmp_path)
    fail_on(".h5")
    result = run_script("train_lstm_adder.py", *TINY, "--output", output)
    assert result.returncode == 1
    line = one_error_line(result, "train_lstm_adder.py: error: ")
    assert f"cannot write {output}: {cause}; training stopped and nothing was saved" in line
    assert listing(tmp_path) == before


def test_a_checkpoint_that_cannot_be_saved(tmp_path, failing_write):
    fail_on, cause = failing_write
    output = tmp_path / "run.h5"
    fail_on(".npz")
    result = run_script("train_lstm_adder.py", *TINY, "--checkpoint-every", 1, "--output", output)
    assert result.returncode == 1
    line = one_error_line(result, "train_lstm_adder.py: error: ")
    assert f"cannot write {tmp_path / 'run.checkpoint.npz'}: {cause}" in line
    assert os.listdir(tmp_path) == []


def test_a_picture_that_cannot_be_drawn(tmp_path, tiny_model, failing_write):
    fail_on, cause = failing_write
    picture = tmp_path / "sums.png"
    picture.write_bytes(b"the previous picture")
    fail_on(".png")
    result = run_script("evaluate.py", "--model", tiny_model, "--plot", picture)
    assert result.returncode == 1
    assert one_error_line(result, "evaluate.py: error: ") == (
        f"evaluate.py: error: cannot write {picture}: {cause}"
    )
    assert os.listdir(tmp_path) == ["sums.png"] and picture.read_bytes() == b"the previous picture"


def test_a_report_that_cannot_be_written(tmp_path, capsys, failing_write):
    fail_on, cause = failing_write
    (tmp_path / "study.json").write_text('{"command": "x", "runs": {}}')
    (tmp_path / "STUDY.md").write_text("the previous report")
    fail_on(".md")
    assert study.main(["--results", str(tmp_path), "--report"]) == 1
    error = capsys.readouterr().err
    assert error == f"study.py: error: cannot write {tmp_path / 'STUDY.md'}: {cause}\n"
    assert sorted(os.listdir(tmp_path)) == ["STUDY.md", "study.json"]
    assert (tmp_path / "STUDY.md").read_text() == "the previous report"


def test_a_study_that_cannot_save_a_run(tmp_path, capsys, failing_write):
    fail_on, cause = failing_write
    fail_on(".npz")
    assert study.main(tiny_study(results=tmp_path)) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"study.py: error: cannot write {tmp_path / 'checkpoints'}")
    assert f": {cause}; 0 finished runs are in" in error and error.count("\n") == 1
    assert os.listdir(tmp_path / "checkpoints") == []


def test_bench_refuses_a_json_it_cannot_write_before_measuring(tmp_path):
    result = run_script("bench.py", "--json", tmp_path)
    assert (
        result.returncode == 2
        and "--json" in result.stderr
        and "cannot write there" in result.stderr
    )


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a small filesystem needs root"
)
def test_a_really_full_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(disk)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("no tmpfs can be mounted here")
    try:
        output = disk / "LSTM_Operation.h5"
        output.write_bytes(b"the previous model")
        before = listing(disk)
        result = run_script(
            "train_lstm_adder.py", "--epochs", 1, "--data-size", 300, "--output", output
        )
        assert result.returncode == 1
        line = one_error_line(result, "train_lstm_adder.py: error: ")
        assert "no space left on device" in line and str(output) in line
        assert listing(disk) == before
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_ctrl_c_during_a_rename_comes_once_the_file_is_in_place(tmp_path, monkeypatch):
    # The signal reaches the program's own handler, after the rename rather than during it.
    target = tmp_path / "study.json"
    target.write_text("before")
    real_replace = os.replace

    def replace_with_ctrl_c(source, destination):
        if str(destination) == str(target):  # not another thread's rename (JAX's cache, say)
            os.kill(os.getpid(), signal.SIGINT)
        real_replace(source, destination)

    monkeypatch.setattr(files.os, "replace", replace_with_ctrl_c)
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            files.write_atomically(str(target), "after")
    finally:
        signal.signal(signal.SIGINT, handler)
    assert os.listdir(tmp_path) == ["study.json"] and target.read_text() == "after"


def test_a_half_written_file_a_killed_writer_left_is_found(tmp_path):
    target = tmp_path / "run.checkpoint.npz"
    with files.replacing(str(target)) as replacement:
        (temporary,) = replacement.temporaries
        assert files.leftover_temporaries(str(target)) == [temporary]
        open(temporary, "wb").close()
    assert files.leftover_temporaries(str(target)) == []  # renamed into place
    (tmp_path / ".other.npz.x.tmp.npz").write_bytes(b"")
    assert files.leftover_temporaries(str(target)) == []
