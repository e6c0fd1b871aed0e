"""Executes one notebook with nbclient and writes it, plus a standalone HTML page, next to each other.

Usage: python3 execute_notebook.py <notebook.ipynb> <out-dir> <kernel-name> <idle-seconds> [<heartbeat-file>]

There is no limit on how long a cell may run, only on how long it may stay silent: a cell is
stopped (the kernel is shut down) when for <idle-seconds> the kernel has sent no message for it
(output, display update) and <heartbeat-file>, if given, has not been modified (the run store
rewrites it while it trains). A cell that keeps printing or updating its progress runs as long as
it needs; a hung one is stopped. A cell known to compute silently for longer may raise its own
limit in its metadata: {"newton_losses": {"idle_seconds": N}}.

While it runs it prints progress on stdout, at most every NEWTON_LOSSES_PROGRESS_SECONDS (default 30):
the code cell it is at (k of N) with the time elapsed, and the running cell's own progress line (a
display updated in place, e.g. the training progress of the run store).

On a failing or stopped cell the partly executed notebook is still written, the cell's source and
what it printed go to stderr, and the exit status is 1 (2 when the cell was stopped for silence).
(tslab reports compile errors on stderr only, without an error output, so `nbconvert
--allow-errors` would not notice them.)
"""
import asyncio
import os
import sys
from time import monotonic, time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError
from nbconvert import HTMLExporter

EXIT_FAILED = 1
EXIT_IDLE = 2


class IdleLimitClient(NotebookClient):
    """A NotebookClient whose cells may run for any time while they keep sending messages."""

    def __init__(self, notebook, idle_seconds: float, heartbeat_file: str = "", **kwargs):
        super().__init__(notebook, timeout=None, shutdown_kernel="immediate", **kwargs)
        self.idle_seconds = idle_seconds
        self.cell_idle_seconds = idle_seconds  # the running cell's limit
        self.limit_source = "NEWTON_LOSSES_CELL_IDLE_SECONDS"
        self.heartbeat_file = heartbeat_file
        self.running_cell = None  # index of the cell being executed, None between cells
        self.last_cell = None  # index of the last cell started
        self.last_activity = monotonic()
        self.stopped_idle = None  # (cell index, seconds silent, limit, where the limit came from) once stopped
        self.started = monotonic()
        self.code_cells = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
        self.last_report = 0.0  # when a progress line was last printed
        self.report_seconds = float(os.environ.get("NEWTON_LOSSES_PROGRESS_SECONDS", "30"))

    def report(self, text: str) -> None:
        """A progress line on stdout (the runner shows it while the notebook runs)."""
        self.last_report = monotonic()
        print(f"       {text}", flush=True)

    def process_message(self, msg, cell, cell_index):
        self.last_activity = monotonic()
        # A progress line updated in place (tslab's display updates): passed on every report_seconds.
        if msg.get("msg_type") in ("update_display_data", "display_data"):
            data = msg.get("content", {}).get("data", {})
            text = data.get("text/plain") if len(data) == 1 else None
            if text and "%" in text and monotonic() - self.last_report >= self.report_seconds:
                self.report(f"  {text.strip().splitlines()[-1][:160]}")
        return super().process_message(msg, cell, cell_index)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self.running_cell = self.last_cell = cell_index
        if cell.cell_type == "code" and cell_index in self.code_cells:
            k = self.code_cells.index(cell_index) + 1
            if monotonic() - self.last_report >= self.report_seconds or k == 1:
                self.report(f"cell {k} of {len(self.code_cells)}, {monotonic() - self.started:.0f} s elapsed")
        own = cell.get("metadata", {}).get("newton_losses", {}).get("idle_seconds")
        self.cell_idle_seconds = float(own) if own is not None else self.idle_seconds
        self.limit_source = "the cell's metadata" if own is not None else "NEWTON_LOSSES_CELL_IDLE_SECONDS"
        self.last_activity = monotonic()
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            self.running_cell = None

    def silent_seconds(self) -> float:
        last = self.last_activity
        if self.heartbeat_file:
            try:
                # the file's clock is the wall clock: convert its age to the monotonic clock
                last = max(last, monotonic() - (time() - os.stat(self.heartbeat_file).st_mtime))
            except OSError:
                pass
        return monotonic() - last

    async def watchdog(self) -> None:
        poll = max(0.1, min(5.0, self.idle_seconds / 10))
        while True:
            await asyncio.sleep(poll)
            if self.running_cell is None or self.km is None:
                continue
            silent = self.silent_seconds()
            if silent >= self.cell_idle_seconds:
                self.stopped_idle = (self.running_cell, silent, self.cell_idle_seconds, self.limit_source)
                # what nbclient does when the kernel dies: the cell ends with DeadKernelError, and
                # leaving execute() shuts the kernel down ("immediate": it is not answering)
                task = getattr(self, "task_poll_for_reply", None)
                if task is not None:
                    task.cancel()
                else:  # an nbclient without that task: kill the kernel, nbclient notices within a second
                    result = self.km.shutdown_kernel(now=True)
                    if asyncio.iscoroutine(result):
                        await result
                return

    async def execute_with_watchdog(self) -> None:
        watchdog = asyncio.ensure_future(self.watchdog())
        try:
            await self.async_execute()
        finally:
            watchdog.cancel()


# Code and text outputs wrap at the page width in the HTML report instead of running off it.
WRAP_LONG_LINES = (
    "<style>.highlight pre, .jp-OutputArea-output pre, div.output_text pre "
    "{ white-space: pre-wrap; overflow-wrap: anywhere; }</style>\n"
)


def describe_cell(notebook, index) -> str:
    cell = notebook.cells[index] if index is not None and index < len(notebook.cells) else None
    if cell is None:
        return ""
    printed = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    return f"cell {index}:\n{cell.source}\n---\n{printed}"


def main() -> int:
    source, out_dir, kernel, idle_seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    heartbeat_file = sys.argv[5] if len(sys.argv) > 5 else ""
    name = os.path.splitext(os.path.basename(source))[0]
    notebook = nbformat.read(source, as_version=4)
    client = IdleLimitClient(
        notebook,
        idle_seconds,
        heartbeat_file,
        kernel_name=kernel,
        resources={"metadata": {"path": os.path.dirname(source)}},
    )
    failed = None
    try:
        asyncio.run(client.execute_with_watchdog())
    except CellExecutionError as error:
        failed = str(error).strip().splitlines()[-1]
    except DeadKernelError:
        failed = "the kernel died (out of memory?)"
    except Exception as error:  # anything else: still write what ran and say what happened
        failed = f"the runner failed: {type(error).__name__}: {error}"
    if client.stopped_idle:
        failed = (
            f"stopped: the cell sent no output for {client.stopped_idle[1]:.0f} s, over the runner's limit of "
            f"{client.stopped_idle[2]:g} s (set by {client.stopped_idle[3]}); the kernel was shut down"
        )
    nbformat.write(notebook, os.path.join(out_dir, name + ".ipynb"))
    if failed is not None:
        print(f"{describe_cell(notebook, client.last_cell)}{failed}", file=sys.stderr)
        return EXIT_IDLE if client.stopped_idle else EXIT_FAILED
    body, _ = HTMLExporter().from_notebook_node(notebook)
    body = body.replace("</head>", WRAP_LONG_LINES + "</head>", 1)
    with open(os.path.join(out_dir, name + ".html"), "w", encoding="utf-8") as handle:
        handle.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
