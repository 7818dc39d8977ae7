"""The code's house: the commands stay commands, the modules stay small, and the package never
reads a command's parsed options (it takes TrainingConfig and StudySettings)."""

import ast
import pathlib

from conftest import ROOT

PACKAGE = pathlib.Path(ROOT) / "lstm_adder"
MODULES = sorted(PACKAGE.rglob("*.py"))


def lines_of(path):
    return len(path.read_text(encoding="utf-8").splitlines())


def test_study_py_is_a_command_and_no_module_is_over_400_lines():
    assert lines_of(pathlib.Path(ROOT) / "study.py") <= 300
    too_long = {str(path.relative_to(ROOT)): lines_of(path) for path in MODULES}
    assert {path: count for path, count in too_long.items() if count > 400} == {}


def test_the_package_never_reads_parsed_options():
    """No module of the package imports argparse but cli.py (the option types the commands
    share), and none has a parameter or a name `args` or `study` (a Namespace)."""
    found = []
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and path.name != "cli.py":
                modules = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module]
                )
                if "argparse" in modules:
                    found.append(f"{name} imports argparse")
            if isinstance(node, ast.arg) and node.arg in ("args", "study", "namespace"):
                found.append(f"{name}: a parameter {node.arg}")
            if isinstance(node, ast.Attribute) and node.attr == "parse_args":
                found.append(f"{name} parses options")
    assert found == []
