"""The machine-readable result: one versioned JSON document for a run.

Schema ``cmc.result/2``, as a JSON Schema in ``reports/schema/cmc.result-2.json``
(`SCHEMA_PATH`; the tests validate real output against it), in short::

    {"schema": "cmc.result/2",
     "results": [{"spec", "description", "model", "params", "mutant", "verdict",
                  "stopped_by", "expect", "mismatches",
                  "properties": [{"property", "title", "kind", "outcome", "reason"}],
                  "stats": {"distinct_states", "generated_states", "depth",
                            "seconds", "seconds_before", "states_per_second",
                            "peak_memory_bytes", "store_bytes", "collision_probability",
                            "symmetry",
                            "canonical_seconds", "workers", "workers_lost",
                            "one_process_from", "worker_memory_bytes", "actions", "new_states",
                            "fp_seed", "exact", and for a kit model
                            "model_stats": its memo tables' figures},
                  "violations": [{"property", "title", "kind", "reason",
                                  "trace": [{"action", "state", "values"}],
                                  "loop_start", "stem_length", "loop_length", "bound",
                                  "history" (a linearizability property's only)}],
                  "witnesses": [...same shape...],
                  "bound_stop": {...same shape...} or null,
                  "run" (a replay's: the run taken, [{"action", "state", "values"}])}]}

A temporal property's trace is a lasso: its loop runs from step
``loop_start`` to the last step and back (``loop_length`` 0: stuttering).

A linearizability property's finding (`checker.history.linearizable`) adds
the history of the trace's last state as a timeline: ``{"events",
"clients", "operations": [{"id", "client", "op", "key", "arg", "result",
"start", "end"}], "minimal": [id, ...]}`` (positions in the history; a
pending call's result and end are null; `minimal`, the operations that
cannot be ordered).

A trace's first step has ``"action": null``; every other action is
``{"name", "args", "text"}``, `args` its fields named as the text names them
(the model's `action_view`: ``{"i": "s1"}`` for ``Timeout(i=s1)``). A state
is the model's `state_view` (``state``: a record there is its text, as the
text report prints it) and the same fields with structured values
(``values``, `reports.run.state_values`: a record an object of its fields,
``{"_type": "Msg1b", "acc": 0, "mval": null}``, sets and bags lists), for a
script. Version 2 added ``values``; a version 1 reader's fields are all
there.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Iterable

from checker.model import Model, action_name, action_text, jsonable
from checker.result import Finding, Result, Trace
from reports.run import state_values, state_view
from reports.timeline import timeline_document, timeline_of

SCHEMA = "cmc.result/2"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "cmc.result-2.json"


def load_schema(part: str | None = None) -> dict[str, Any]:
    """The JSON Schema of `SCHEMA` documents, or with `part`, of one of their
    parts: ``"result"`` is one spec's result."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if part is None:
        return schema
    return {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{part}"}


def trace_document(model: Model, trace: Trace) -> list[dict[str, Any]]:
    return [{"action": None if step.action is None else {
                 "name": action_name(step.action),
                 "args": model.action_view(step.action),
                 "text": action_text(step.action)},
             "state": state_view(model, step.state, json_ready=True),
             "values": state_values(model, step.state)}
            for step in trace.steps]


def finding_document(model: Model, finding: Finding) -> dict[str, Any]:
    prop = finding.property
    trace = None if finding.trace is None else trace_document(model, finding.trace)
    document = {"property": prop.name, "title": prop.title, "kind": prop.kind,
                "reason": finding.reason, "trace": trace, "loop_start": finding.loop_start,
                "stem_length": finding.stem_length, "loop_length": finding.loop_length,
                "bound": finding.bound}
    history = timeline_of(model, finding)
    if history is not None:  # a linearizability property's: the history as a timeline
        document["history"] = timeline_document(history)
    return document


def result_document(spec: str, model: Model, result: Result, expect: Any = None,
                    mismatches: Iterable[str] = (),
                    description: str | None = None) -> dict[str, Any]:
    """One spec's result."""
    stats = result.stats
    return {
        "spec": spec,
        "description": description,
        "model": model.name,
        "params": jsonable(model.parameters()),
        "mutant": model.mutant,
        "verdict": result.verdict,
        "stopped_by": result.stopped_by,
        "expect": dataclasses.asdict(expect) if expect is not None else None,
        "mismatches": list(mismatches),
        "properties": [{"property": o.property.name, "title": o.property.title,
                        "kind": o.property.kind, "outcome": o.outcome, "reason": o.reason}
                       for o in result.outcomes()],
        "stats": {
            "distinct_states": stats.distinct_states,
            "generated_states": stats.generated_states,
            "depth": stats.depth,
            "seconds": round(stats.seconds, 6),
            "seconds_before": round(stats.seconds_before, 6),
            "states_per_second": round(stats.states_per_second, 1),
            "peak_memory_bytes": stats.peak_memory_bytes,
            "store_bytes": stats.store_bytes,
            "collision_probability": stats.collision_probability,
            "symmetry": list(stats.symmetry),
            "canonical_seconds": round(stats.canonical_seconds, 6),
            "workers": stats.workers,
            "workers_lost": stats.workers_lost,
            "one_process_from": stats.one_process_from,
            "worker_memory_bytes": stats.worker_memory_bytes,
            "actions": dict(stats.actions),
            "new_states": dict(stats.new_states),
            "fp_seed": stats.fp_seed,
            "exact": stats.exact,
            **({"model_stats": dict(stats.model_stats)} if stats.model_stats else {}),
            "bound_stops": stats.bound_stops,
            "liveness_seconds": round(stats.liveness_seconds, 6),
            "graph_states": stats.graph_states,
            "graph_edges": stats.graph_edges,
            "graph_bytes": stats.graph_bytes,
            "graph_settled_at": stats.graph_settled_at,
            **({"simulation": dataclasses.asdict(stats.walked)} if stats.walked else {}),
            **({"replay": dataclasses.asdict(stats.replayed)} if stats.replayed else {}),
        },
        "violations": [finding_document(model, f) for f in result.violations],
        "witnesses": [finding_document(model, f) for f in result.witnesses],
        "bound_stop": (finding_document(model, result.bound_stop)
                       if result.bound_stop is not None else None),
        **({"run": trace_document(model, result.run)} if result.run is not None else {}),
    }


def run_document(results: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema": SCHEMA, "results": results}
