"""The documents stay true: every relative link and file path they name exists, every option they
show is one its script accepts, and every make target they name is in the Makefile."""

import glob
import os
import platform
import re

import pytest

from conftest import ROOT, run_script

SCRIPTS = ("train_lstm_adder.py", "evaluate.py", "study.py", "bench.py")
DOCUMENTS = sorted(
    [
        "README.md",
        "README.zh-CN.md",
        *(os.path.relpath(path, ROOT) for path in glob.glob(f"{ROOT}/docs/*.md")),
    ]
)


@pytest.fixture(scope="module")
def known():
    """What the documents may name: each script's options (from its --help), the make targets."""
    options = {}
    for script in SCRIPTS:
        result = run_script(script, "--help")
        assert result.returncode == 0, result.stderr
        options[script] = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", result.stdout))
    with open(os.path.join(ROOT, "Makefile")) as file:
        targets = set(re.findall(r"^([a-z][a-z-]*):", file.read(), re.MULTILINE))
    return options, targets


def problems(path, text, options, targets):
    """Every reference in one document that does not hold, as readable lines."""
    found = []
    folder = os.path.dirname(os.path.join(ROOT, path))
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        if not os.path.exists(os.path.join(folder, target.split("#")[0])):
            found.append(f"{path}: link to {target}, which does not exist")
    code = re.findall(r"```[^\n]*\n(.*?)```", text, re.DOTALL) + re.findall(r"`([^`\n]+)`", text)
    for span in code:
        for line in span.splitlines():
            line = re.sub(r"--xla_\S*", "", line)  # XLA's own flags, in XLA_FLAGS
            for token in re.findall(r"(?<![\w./-])((?:[\w.-]+/)+[\w.-]*|[\w-]+\.py)\b", line):
                # A path names a file (an extension) or a folder (a final /); placeholders
                # (FILE, ADDRESS), the virtual environment and paths outside the repository
                # are not the documents' to check.
                looks_like_a_path = (
                    re.search(r"\.[a-z0-9]+$|/$", token)
                    and ".." not in token
                    and not re.search(r"[A-Z]{3,}|^\.venv/", token)
                )
                if looks_like_a_path and not any(
                    os.path.exists(os.path.join(base, token)) for base in (ROOT, folder)
                ):
                    found.append(f"{path}: names the file {token}, which does not exist")
            named = [script for script in SCRIPTS if script in line]
            if not named and re.search(
                r"\b(dask (scheduler|worker)|pip install|perf report)\b", line
            ):
                continue  # Dask's, pip's and perf's own commands: their options are theirs
            allowed = options[named[-1]] if named else set().union(*options.values())
            after = line.split(named[-1], 1)[1] if named else line
            for option in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", after):
                if option not in allowed:
                    found.append(
                        f"{path}: shows {option} for {named[-1] if named else 'a script'}"
                        ", which it does not accept"
                    )
            for target in re.findall(r"\bmake ([a-z][a-z-]*)", line):
                if target not in targets:
                    found.append(f"{path}: names make {target}, which the Makefile lacks")
    return found


@pytest.mark.parametrize("path", DOCUMENTS)
def test_every_reference_holds(path, known):
    with open(os.path.join(ROOT, path), encoding="utf-8") as file:
        assert problems(path, file.read(), *known) == []


def test_a_broken_reference_is_found(known):
    text = (
        "See [the study](docs/gone.md) and ![x](results/gone.png).\n"
        "```\n.venv/bin/python evaluate.py --exhaustiv\nmake reproduced\n```\n"
        "Run `train_lstm_adder.py --epoch 3`, read `models/gone.h5` and `gone.py`.\n"
    )
    found = problems("README.md", text, *known)
    assert found == [
        "README.md: link to docs/gone.md, which does not exist",
        "README.md: link to results/gone.png, which does not exist",
        "README.md: shows --exhaustiv for evaluate.py, which it does not accept",
        "README.md: names make reproduced, which the Makefile lacks",
        "README.md: shows --epoch for train_lstm_adder.py, which it does not accept",
        "README.md: names the file models/gone.h5, which does not exist",
        "README.md: names the file gone.py, which does not exist",
    ]


def test_documents_name_no_issue_numbers():
    for path in DOCUMENTS + ["results/STUDY.md"]:
        with open(os.path.join(ROOT, path), encoding="utf-8") as file:
            assert not re.search(r"\b[Ii]ssue #?\d+|#\d+\b", file.read()), path


def shown_evaluations():
    """Each `$ .venv/bin/python evaluate.py ...` block of the documents, with the output shown."""
    found = []
    for path in DOCUMENTS:
        with open(os.path.join(ROOT, path), encoding="utf-8") as file:
            text = file.read()
        for block in re.findall(r"```\n\$ \.venv/bin/python evaluate\.py(.*?)```", text, re.DOTALL):
            command, _, output = block.partition("\n")
            found.append(pytest.param(command.split(), output, id=f"{path}:{command.strip()}"))
    return found


NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")

# What carries across x86-64 processors. numpy's BLAS picks its float32 kernels by instruction
# set, and the shipped model's figure came out 98.10278570023327% with AVX-512 kernels and
# 98.10278559128980% with AVX2 ones (OPENBLAS_CORETYPE=Haswell on the same machine, and an
# AVX2-only AMD EPYC): they differ by 1.1e-9 of the figure, in its ninth significant digit.
# A printed number is compared to one part in 10^8 (about ten times that), or to one unit of
# its last printed digit where that is coarser, since a rounding can flip it; a count exactly.
CARRIES = 1e-8


def same_output(printed: str, shown: str) -> bool:
    """Two lines of output alike: the same words, and numbers that agree as far as they carry."""
    if NUMBER.sub("#", printed) != NUMBER.sub("#", shown):
        return False
    for got, want in zip(NUMBER.findall(printed), NUMBER.findall(shown), strict=True):
        decimals = len(want.partition(".")[2])
        a, b = (float(text.replace(",", "")) for text in (got, want))
        if not decimals:  # a count: sums right, pairs, bits
            if a != b:
                return False
        elif abs(a - b) > max(CARRIES * abs(b), 10.0**-decimals * 1.000001):
            return False
    return True


def test_a_changed_figure_is_told_from_one_that_differs_as_processors_do():
    shown = "   this model  98.10278570023327%   (MSE 0.0189721)"
    assert same_output("   this model  98.10278559128980%   (MSE 0.0189721)", shown)
    assert same_output("   this model  98.10278570023327%   (MSE 0.0189722)", shown)
    # A change in the fourth significant digit, or far smaller ones, is a different output.
    assert not same_output("   this model  98.11278570023327%   (MSE 0.0189721)", shown)
    assert not same_output("   this model  98.10270000000000%   (MSE 0.0189721)", shown)
    assert not same_output("   this model  98.10278570023327%   (MSE 0.0189723)", shown)
    assert not same_output("   this model  98.10278570023327%   (mse 0.0189721)", shown)
    assert not same_output("   890 of 1,000", "   891 of 1,000")


# The documented outputs once with this machine's BLAS kernels, and once with the AVX2 kernels
# that every x86-64 machine of the last decade runs (numpy's OpenBLAS reads OPENBLAS_CORETYPE).
KERNELS = [None] + (["Haswell"] if platform.machine().lower() in ("x86_64", "amd64") else [])


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("options,shown", shown_evaluations())
def test_the_outputs_the_documents_show_are_what_evaluate_prints(options, shown, kernel, tmp_path):
    # A picture goes to a temporary folder; the time of the forward pass is the machine's.
    picture = next((options[i + 1] for i, option in enumerate(options) if option == "--plot"), None)
    if picture:
        options = [
            str(tmp_path / "sums.png") if option == picture else option for option in options
        ]
    if kernel:
        result = run_script(
            "evaluate.py", *options, process=True, env={"OPENBLAS_CORETYPE": kernel}
        )
    else:
        result = run_script("evaluate.py", *options)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.replace(str(tmp_path / "sums.png"), picture or "")

    def without_timing(text):
        return [line for line in text.strip("\n").splitlines() if "forward pass:" not in line]

    printed_lines, shown_lines = without_timing(printed), without_timing(shown)
    assert len(printed_lines) == len(shown_lines), printed
    for got, want in zip(printed_lines, shown_lines, strict=True):
        assert same_output(got, want), f"printed {got!r}, the document shows {want!r}"


def test_the_chinese_readme_covers_the_english_one():
    """Every command, option, link and figure of README.md appears in README.zh-CN.md (the
    generated answers are compared with the runs by the study's own tests)."""

    def outside_the_answer(name):
        with open(os.path.join(ROOT, name), encoding="utf-8") as file:
            return re.sub(
                r"<!-- study(:zh-CN)? -->.*<!-- /study(:zh-CN)? -->",
                "",
                file.read(),
                flags=re.DOTALL,
            )

    english, chinese = outside_the_answer("README.md"), outside_the_answer("README.zh-CN.md")
    commands = [
        line.split("#")[0].strip()
        for block in re.findall(r"```[^\n]*\n(.*?)```", english, re.DOTALL)
        for line in block.splitlines()
        if line.startswith(("make ", ".venv/bin/", "python3 ", "$ "))
    ]
    wanted = {
        "command": commands,
        # The language switch links each README to the other.
        "link": [  # a heading's anchor is in each README's own language
            link.replace("README.zh-CN.md", "README.md")
            for link in re.findall(r"\]\(([^)\s]+)\)", english)
            if not link.startswith("#")
        ],
        "option": re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", english),
        "figure": re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)*%?", english),
    }
    missing = {
        kind: sorted({item for item in items if item not in chinese})
        for kind, items in wanted.items()
    }
    assert not any(missing.values()), missing


def test_both_readmes_give_the_powershell_steps_and_the_chinese_one_says_epoch():
    for path in ("README.md", "README.zh-CN.md"):
        with open(os.path.join(ROOT, path), encoding="utf-8") as file:
            text = file.read()
        block = re.search(r"```powershell\n(.*?)```", text, re.DOTALL)
        assert block, path
        # One command a line, Windows paths, nothing PowerShell 5.1 rejects.
        for line in block.group(1).strip().splitlines():
            assert "&&" not in line and "python3" not in line, line
            assert line.startswith(("python -m venv", ".venv\\Scripts\\")), line
        assert "PIP_INDEX_URL" in text
    with open(os.path.join(ROOT, "README.zh-CN.md"), encoding="utf-8") as file:
        chinese = file.read()
    assert "它的准确率" not in chinese
    first = chinese.index("轮")
    assert chinese[first : first + len("轮（epoch）")] == "轮（epoch）"


def test_study_md_opens_with_the_verdict_and_its_contents_and_lists_schedules_by_seed():
    with open(os.path.join(ROOT, "results", "STUDY.md"), encoding="utf-8") as file:
        first_screen = file.read().split("\n")[:40]
    assert "## Verdict" in first_screen and "## Contents" in first_screen
    assert any(line.startswith("**Time.**") for line in first_screen)
    with open(os.path.join(ROOT, "results", "STUDY.md"), encoding="utf-8") as file:
        rows = re.findall(r"^\| keras2_hard_sigmoid \| (\d+) \| \d+ of \d+ \|", file.read(), re.M)
    assert [int(seed) for seed in rows] == sorted(int(seed) for seed in rows) and len(rows) >= 20
    with open(os.path.join(ROOT, "results", "SCHEDULES.md"), encoding="utf-8") as file:
        headings = re.findall(r"^### (\S+), seed (\d+),", file.read(), re.MULTILINE)
    blogs = [int(seed) for activation, seed in headings if activation == "keras2_hard_sigmoid"]
    assert blogs == sorted(blogs) and len(blogs) >= 20


def test_the_readmes_say_what_was_measured_about_seeds_and_which_model_evaluate_reads():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as file:
        text = " ".join(file.read().split())
    # Measured: the backend, the thread count and the instruction set each change a run.
    assert "the same number of threads and the same instruction set" in text
    assert "retrained byte for byte on the Intel Xeon" in text
    # The spread a reader should expect is the study's, quoted as STUDY.md gives it.
    with open(os.path.join(ROOT, "results", "STUDY.md"), encoding="utf-8") as file:
        study = file.read()
    spread = re.search(r"over the study's 100 seeds.*?\(\[results/STUDY.md\]", text).group(0)
    quoted = re.findall(r"\d+\.\d+%", spread)
    assert len(quoted) == 5 and all(figure in study for figure in quoted), quoted
    # The examples that leave out --model say that they read the shipped model.
    options = text[text.index("## Options") :]
    assert "Without `--model`, `evaluate.py` evaluates the model the repository ships" in options


def test_the_readmes_first_screen_and_length():
    """Under 200 lines; the two commands and the one-sentence verdict in the first 40; Chinese
    text never broken between two Chinese characters (a renderer shows such a break as a
    space)."""
    for path, verdict in (("README.md", "**In short:**"), ("README.zh-CN.md", "**一句话：**")):
        with open(os.path.join(ROOT, path), encoding="utf-8") as file:
            lines = file.read().splitlines()
        assert len(lines) < 200, path
        first = lines[:40]
        assert any(line.startswith("make reproduce") for line in first), path
        assert any(line.startswith("make test") for line in first), path
        assert any(line.startswith(verdict) for line in first), path
    chinese = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
    with open(os.path.join(ROOT, "README.zh-CN.md"), encoding="utf-8") as file:
        lines = file.read().split("\n")
    broken = [
        number
        for number, (line, after) in enumerate(zip(lines, lines[1:], strict=False), start=1)
        if line and after and chinese.match(line[-1]) and chinese.match(after[0])
    ]
    assert broken == []
    text = "\n".join(lines)
    assert not re.search(r"105[^\n]{0,40}不同的随机种子", text)
    assert "read_model_file" in text and not re.search(r"read_model_file[^\n]{0,80}退出状态", text)
