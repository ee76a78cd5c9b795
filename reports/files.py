"""A spec's report files, as `cmc check --out DIR` writes them.

``SPEC.txt`` (the text report), ``SPEC.json`` (a cmc.result/1 document with
this spec's result alone, as ``cmc check --format json SPEC`` prints it),
``SPEC.html`` (the self-contained page), and for each counterexample
``SPEC.PROPERTY.mmd`` (its sequence chart) and, when a graph format is
asked for, ``SPEC.PROPERTY.dot|graphml|json`` (its path as a graph). With
`witnesses`, the runs reaching reachability properties get the same.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from checker.errors import CheckerError
from reports.graph import trace_graph, write_graph
from reports.html import render_html
from reports.json import run_document
from reports.run import Checked
from reports.sequence import build_chart, render_mermaid
from reports.text import conclusion


def write_reports(directory: Path, checked: Checked, text: str, document: dict[str, Any],
                  graph_format: str | None = None, witnesses: bool = False) -> list[Path]:
    """Write `checked`'s report files into `directory`; the paths written."""
    name = checked.name
    files = {f"{name}.txt": text,
             f"{name}.json": json.dumps(run_document([document]), indent=2) + "\n",
             f"{name}.html": render_html(checked, witnesses=witnesses)}
    findings = [(f, False) for f in checked.result.violations]
    findings += [(f, True) for f in checked.result.witnesses] if witnesses else []
    for finding, witness in findings:
        if finding.trace is None:
            continue
        stem = f"{name}.{finding.property.name}"
        chart = build_chart(checked.model, finding.trace, conclusion(finding, witness))
        files[f"{stem}.mmd"] = render_mermaid(chart)
        if graph_format is not None:
            graph = trace_graph(checked.model, finding.trace, checked.result.properties)
            files[f"{stem}.{graph_format}"] = write_graph(graph, graph_format)
    written = []
    for file_name, content in files.items():
        written.append(write_whole(directory / file_name, content))
    return written


def write_whole(path: Path | str, content: str) -> Path:
    """Write `content` to `path` all at once (into a temporary file beside
    it, then renamed over it), so a reader never sees half a file. Missing
    folders are made; a path that cannot be written is a `CheckerError`."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise CheckerError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path
