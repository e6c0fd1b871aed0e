"""Executes one notebook with nbclient and writes it, plus a standalone HTML page, next to each other.

Usage: python3 execute_notebook.py <notebook.ipynb> <out-dir> <kernel-name> <cell-timeout-seconds>
On a failing cell the partly executed notebook is still written, the cell's source and what it
printed go to stderr, and the exit status is 1. (tslab reports compile errors on stderr only,
without an error output, so `nbconvert --allow-errors` would not notice them.)
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter


def main() -> int:
    source, out_dir, kernel, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    name = os.path.splitext(os.path.basename(source))[0]
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(notebook, kernel_name=kernel, timeout=timeout, resources={"metadata": {"path": os.path.dirname(source)}})
    failed = None
    try:
        client.execute()
    except CellExecutionError as error:
        failed = error
    nbformat.write(notebook, os.path.join(out_dir, name + ".ipynb"))
    if failed is not None:
        index = next((i for i, c in enumerate(notebook.cells) if c.get("execution_count") == client.code_cells_executed), None)
        cell = notebook.cells[index] if index is not None else None
        printed = "".join(o.get("text", "") for o in (cell.outputs if cell else []) if o.get("output_type") == "stream")
        print(f"cell {index}:\n{cell.source if cell else ''}\n---\n{printed}{str(failed).strip().splitlines()[-1]}", file=sys.stderr)
        return 1
    body, _ = HTMLExporter().from_notebook_node(notebook)
    with open(os.path.join(out_dir, name + ".html"), "w", encoding="utf-8") as handle:
        handle.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
