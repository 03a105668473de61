"""``dangan verify`` on a terminal: a progress bar, each problem as it is found, and the summary line."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from dangan.terminal_text import for_terminal


def verify_with_progress(store, *, source: str | None, console: Console, err_console: Console):
    """Run `pipeline.verify.verify_store` with a progress bar; problems go to `err_console`, the summary to `console`."""
    from pipeline.verify import count_items, verify_store

    progress = Progress(
        SpinnerColumn(), TextColumn("[bold]verify"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=err_console, transient=True,
    )
    task = progress.add_task("verify", total=count_items(store, source))

    def on_item(problem) -> None:
        progress.advance(task)
        if problem is not None:
            progress.console.print(f"  damaged: {for_terminal(problem.describe())}", highlight=False,
                                   markup=False, soft_wrap=True)

    with progress:
        report = verify_store(store, source=source, on_item=on_item)
    console.print(report.summary(), highlight=False)
    return report
