"""`cmc show SPEC`: the resolved configuration a spec stands for."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click


@click.command("show")
@click.argument("spec", metavar="SPEC")
def show(spec: str) -> None:
    """Print SPEC's resolved configuration as YAML: the model, every
    parameter with defaults filled in, the properties that will be checked
    (expression invariants and temporal properties included), symmetry, the state
    constraints, the temporal properties, deadlock,
    exact, fairness, network and partition choices, the bounds and the
    expectation. The output is itself a spec, checking what SPEC checks
    wherever it is kept on this machine (a user model's file is named by
    its absolute path)."""
    import yaml

    from checker.properties import default_properties
    from checker.spec import load_spec
    from models import REGISTRY
    from models.user import is_file_reference

    loaded = load_spec(spec, REGISTRY)
    model_class = loaded.model_class
    model = loaded.model_ref or loaded.model_name
    if is_file_reference(model):  # (relative to SPEC's folder, absolute here)
        file_part, _, class_name = model.rpartition(":")
        model = f"{(Path(loaded.path).parent / file_part).resolve().as_posix()}:{class_name}"
    resolved = {
        "model": model,
        "description": loaded.description,
        "params": dict(loaded.params),
        "mutant": loaded.mutant,
        # (the spec's own properties are checked whatever it lists)
        "properties": (list(loaded.config().properties) if loaded.properties is not None
                       else [prop.name for prop in default_properties(
                           model_class.properties.values())]
                       + list(loaded.invariants) + list(loaded.temporal)),
        "symmetry": list(loaded.symmetry) or False,
        "invariants": dict(loaded.invariants),
        "constraints": dict(loaded.constraints),
        "temporal": {name: dict(form) for name, form in loaded.temporal.items()},
        "deadlock": loaded.deadlock,
        "exact": loaded.exact,
        "fairness": {strength: [family for kind, family in loaded.fairness if kind == strength]
                     for strength in ("weak", "strong")
                     if any(kind == strength for kind, _ in loaded.fairness)},
        "network": dict(loaded.network) if loaded.network else None,
        "partition": dict(loaded.partition) if loaded.partition else None,
        "bounds": {name: value for name, value in dataclasses.asdict(loaded.bounds).items()
                   if value is not None},
        "init": loaded.init,
        "expect": ({name: value for name, value in dataclasses.asdict(loaded.expect).items()
                    if value is not None} if loaded.expect else None),
    }
    # a spec itself: what is not given (None, nothing) is left out, so the
    # output loads as the spec it resolves
    shown = {name: value for name, value in resolved.items()
             if value is not None and value != {} and (value != [] or name == "properties")}
    click.echo(f"# {loaded.path}, resolved by cmc show: every default filled in")
    click.echo(yaml.safe_dump(shown, sort_keys=False, allow_unicode=True), nl=False)
