"""`cmc show SPEC`: the resolved configuration a spec stands for."""

from __future__ import annotations

import dataclasses

import click


@click.command("show")
@click.argument("spec", metavar="SPEC")
def show(spec: str) -> None:
    """Print SPEC's resolved configuration as YAML: the model, every
    parameter with defaults filled in, the properties that will be checked
    (expression invariants and temporal properties included), symmetry, the state
    constraints, the temporal properties, deadlock,
    exact, fairness, network and partition choices, the bounds and the
    expectation."""
    import yaml

    from checker.properties import default_properties
    from checker.spec import load_spec
    from models import REGISTRY

    loaded = load_spec(spec, REGISTRY)
    model_class = loaded.model_class
    resolved = {
        "spec": loaded.path,
        "model": loaded.model_name,
        "description": loaded.description,
        "params": dict(loaded.params),
        "mutant": loaded.mutant,
        # (the spec's own properties are checked whatever it lists)
        "properties": list(loaded.config().properties or [
            prop.name for prop in default_properties(model_class.properties.values())]
            + list(loaded.invariants) + list(loaded.temporal)),
        "symmetry": list(loaded.symmetry) or False,
        "invariants": dict(loaded.invariants),
        "constraints": dict(loaded.constraints),
        "temporal": {name: dict(form) for name, form in loaded.temporal.items()},
        "deadlock": loaded.deadlock,
        "exact": loaded.exact,
        "fairness": [f"{strength} {family}" for strength, family in loaded.fairness],
        "network": dict(loaded.network) if loaded.network else None,
        "partition": dict(loaded.partition) if loaded.partition else None,
        "bounds": dataclasses.asdict(loaded.bounds),
        "init": loaded.init,
        "expect": dataclasses.asdict(loaded.expect) if loaded.expect else None,
    }
    click.echo(yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True), nl=False)
