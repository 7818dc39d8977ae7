"""The run record: the JSON file beside each model that says how it was trained.

train_lstm_adder.py writes it; evaluate.py reads the training pairs from it to tell pairs the
network has seen from pairs it has never seen. It names the sha256 of its model file, so a
record left beside another model is detected rather than believed.
"""

import hashlib
import json
import os
import platform
import re

from lstm_adder import data


def record_path_for(model_path: str | os.PathLike) -> str:
    """The run record that goes with a model file: same name, .json."""
    return os.path.splitext(str(model_path))[0] + ".json"


def machine() -> dict:
    """This computer, as the records name it. The same seed trains the same weights only on the
    same kind of processor: float rounding differs between processors, and training amplifies it."""
    processor = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as file:
            names = [
                line.split(":", 1)[1].strip() for line in file if line.startswith("model name")
            ]
        processor = names[0] if names else processor
    except OSError:
        pass
    return {"platform": platform.platform(), "processor": processor, "cpus": os.cpu_count()}


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_json(record: dict) -> str:
    """The record as indented JSON, with each list of numbers on one line."""
    text = json.dumps(record, indent=1)
    return (
        re.sub(
            r"\[\s+([-+0-9.eE,\s]+?)\s+\]",
            lambda match: "[" + " ".join(match.group(1).split()) + "]",
            text,
        )
        + "\n"
    )


class TrainingPairsUnknown(Exception):
    """Why a model's training pairs are unknown, in one line: an evaluation goes on without
    telling seen pairs from never-seen ones, and says why."""


def training_pairs(model_path: str | os.PathLike) -> set[int]:
    """The set of pair codes a*2**bits + b the model at `model_path` saw in training, from its
    run record (TrainingPairsUnknown if there is none that belongs to it)."""
    record_path = record_path_for(model_path)
    if not os.path.exists(record_path):
        raise TrainingPairsUnknown(
            f"no run record {record_path} beside the model, so the training pairs are unknown"
        )
    try:
        with open(record_path) as file:
            record = json.load(file)
        if record.get("model_sha256") != sha256_of(model_path):
            raise TrainingPairsUnknown(
                f"the run record {record_path} belongs to another model file (its sha256 differs)"
            )
        # Records written before the run's configuration was kept as it is (the shipped
        # model's) call it "options".
        bits = int((record.get("config") or record["options"])["bits"])
        codes = data.pair_codes(
            record["data"]["first_operand"], record["data"]["second_operand"], bits
        )
        return set(codes.tolist())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise TrainingPairsUnknown(
            f"the run record {record_path} cannot be read ({error})"
        ) from None


def usable_cores() -> list[int] | None:
    """The cores this process may run on, in order (psutil, Linux and Windows); None where the
    system does not say (macOS)."""
    import psutil

    try:
        return sorted(psutil.Process().cpu_affinity())
    except (AttributeError, psutil.Error):  # no cpu_affinity on macOS
        return None
