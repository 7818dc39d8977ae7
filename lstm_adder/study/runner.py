"""The loop that drives the study's runs: the runs still to do, on Dask or one at a time in
this process, with study.json and the report written after each one. Its errors reach
study.py, which says them in one line."""

import os

from lstm_adder.study import cluster
from lstm_adder.study.job import job_command, outcome_of, run_here_or_apart
from lstm_adder.study.ledger import remove_finished_states, remove_state, write_outputs
from lstm_adder.study.plan import Plan, running_order
from lstm_adder.study.runs import StudyRun
from lstm_adder.study.settings import StudySettings


def run_all(
    settings: StudySettings, runs: dict[str, StudyRun], planned: list[Plan], command: str
) -> None:
    """Run what is still to do of `planned`, adding each finished run to `runs` (by id) and
    writing study.json and the report after every one."""
    os.makedirs(settings.results, exist_ok=True)
    remove_finished_states(settings, runs, planned)
    todo = running_order([plan for plan in planned if plan.id not in runs])
    print(f"{len(planned)} runs planned, {len(planned) - len(todo)} already done", flush=True)

    def finished(plan: Plan, run: StudyRun, label: str) -> None:
        """Only this process writes study.json and the report, after every finished run."""
        runs[plan.id] = run
        write_outputs(settings, runs, planned, command)
        remove_state(settings, plan)
        result = run.figures
        print(
            f"{label}: done in {(run.train_seconds or 0) / 60:.1f} min: blog's "
            f"figure {result['blog_figure']:.4f}%"
            + (
                f", exact sums {100 * result['exact_sum_accuracy']:.2f}%"
                if "exact_sum_accuracy" in result
                else ""
            ),
            flush=True,
        )

    run_todo(settings, todo, finished)
    if not todo:
        write_outputs(settings, runs, planned, command)


def run_todo(settings: StudySettings, todo: list[Plan], finished) -> None:
    """Run the planned runs still to do, on Dask or one at a time here; finished(plan, run,
    label) as each one ends."""
    labels = {plan.id: f"[{number}/{len(todo)}] {plan.id}" for number, plan in enumerate(todo, 1)}
    if settings.workers or settings.scheduler:
        cluster.run_commands(
            [
                (plan, labels[plan.id], job_command(settings, plan, labels[plan.id]))
                for plan in todo
            ],
            lambda plan, done: finished(
                plan, outcome_of(done, plan, labels[plan.id]), labels[plan.id]
            ),
            scheduler=settings.scheduler,
            workers=settings.workers,
            worker_cores=settings.worker_cores,
            dashboard=settings.dashboard,
        )
        return
    for plan in todo:
        print(labels[plan.id], flush=True)
        finished(plan, run_here_or_apart(settings, plan, labels[plan.id]), labels[plan.id])
