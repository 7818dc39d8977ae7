"""What the study has done: study.json holds the finished runs, and the saved states under
results/checkpoints/ the runs under way. After every finished run study.json and the report are
written anew from them."""

import json
import os

from lstm_adder import checkpoint
from lstm_adder.files import leftover_temporaries, write_atomically
from lstm_adder.record import machine, record_json
from lstm_adder.report.write import write_report
from lstm_adder.study.plan import Plan, run_config, state_path
from lstm_adder.study.runs import Status, StudyRun, read_run, run_record, without_checkpoint
from lstm_adder.study.settings import StudySettings


def load_done(path: str) -> dict[str, StudyRun]:
    """The finished runs in study.json at `path`, by id (none if there is no file yet)."""
    if not os.path.exists(path):
        return {}
    with open(path) as file:
        records = json.load(file)["runs"]
    return {run_id: read_run(run_id, record) for run_id, record in records.items()}


def unfinished_runs(
    settings: StudySettings, runs: dict[str, StudyRun], planned: list[Plan]
) -> dict[str, StudyRun]:
    """The long schedules still under way, as far as their saved states go: their evaluations
    so far, for the report (not for study.json, which holds finished runs only)."""
    found = {}
    for plan in planned:
        saved = state_path(settings, plan)
        if plan.id in runs or not plan.evaluated_along or not os.path.exists(saved):
            continue
        config = run_config(settings, plan)
        meta, _ = checkpoint.load(saved, config.identity())
        found[plan.id] = StudyRun(
            plan=plan,
            config=without_checkpoint(config),
            status=Status.UNDER_WAY,
            loss_per_epoch=meta["losses"],
            evaluations=meta["extra"].get("evaluations", []),
            machine=machine(),
        )
    return found


def remove_state(settings: StudySettings, plan: Plan) -> None:
    """A run's saved state, once the run is in study.json: nothing reads it any more; and any
    half-written one a killed worker left beside it."""
    saved = state_path(settings, plan)
    for path in [saved, *leftover_temporaries(saved)]:
        if os.path.exists(path):
            os.remove(path)


def remove_finished_states(
    settings: StudySettings, runs: dict[str, StudyRun], planned: list[Plan]
) -> None:
    """The saved states of runs already in study.json: a study stopped between recording a run
    and removing its state leaves one."""
    for plan in planned:
        if plan.id in runs:
            remove_state(settings, plan)


def write_outputs(
    settings: StudySettings, runs: dict[str, StudyRun], planned: list[Plan], command: str
) -> None:
    """study.json from the finished runs, then the report from them and the unfinished ones."""
    records = {run_id: run_record(run) for run_id, run in runs.items()}
    write_atomically(
        os.path.join(settings.results, "study.json"),
        record_json({"command": command, "runs": records}),
    )
    write_report_of(settings, runs, planned, command)


def write_report_of(
    settings: StudySettings, runs: dict[str, StudyRun], planned: list[Plan], command: str
) -> None:
    """The report from the finished runs and, as far as they go, the unfinished ones
    (study.json as it is)."""
    shown = {**runs, **unfinished_runs(settings, runs, planned)}
    write_report(settings.results, settings.readme, shown, planned, command, finished=len(runs))
