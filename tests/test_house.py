"""The house rules a reviewer checks by hand, checked here: short functions and modules, one
package that reads no command's options, commands that import no other command."""

import ast
import glob
import os

import pytest

from conftest import ROOT

COMMANDS = ["train_lstm_adder.py", "evaluate.py", "study.py", "bench.py"]
PACKAGE = sorted(
    os.path.relpath(path, ROOT) for path in glob.glob(f"{ROOT}/lstm_adder/**/*.py", recursive=True)
)
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400
MAX_STUDY_PY_LINES = 300  # the study's command: its options, main and messages


def parsed(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as file:
        return ast.parse(file.read(), path)


@pytest.mark.parametrize("path", COMMANDS + PACKAGE)
def test_no_function_is_longer_than_60_lines(path):
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path}: {', '.join(long)}"


def line_count(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as file:
        return len(file.read().splitlines())


def test_study_py_is_a_command_and_no_module_is_over_400_lines():
    assert line_count("study.py") <= MAX_STUDY_PY_LINES
    long = {path: line_count(path) for path in PACKAGE if line_count(path) > MAX_MODULE_LINES}
    assert long == {}


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("path", COMMANDS)
def test_no_command_imports_another(path):
    others = {command.removesuffix(".py") for command in COMMANDS} - {path.removesuffix(".py")}
    assert not others & set(imported_modules(parsed(path)))


@pytest.mark.parametrize("path", [path for path in PACKAGE if not path.endswith("cli.py")])
def test_the_package_reads_no_parsed_options(path):
    # Option parsing is the commands' (and cli.py's helpers'): the package takes a
    # TrainingConfig, a StudySettings or plain values, never an argparse Namespace.
    tree = parsed(path)
    assert "argparse" not in set(imported_modules(tree))
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert "Namespace" not in names and "parse_args" not in names
    parameters = {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    assert not parameters & {"args", "study", "namespace"}
