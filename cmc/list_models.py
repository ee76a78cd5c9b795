"""`cmc list`: the bundled models, their parameters, properties and mutants."""

from __future__ import annotations

import json

import click


@click.command("list")
@click.argument("names", nargs=-1, metavar="[MODEL]...")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
def list_models(names: tuple[str, ...], output_format: str) -> None:
    """List every bundled model, or the MODELs named (as a spec's `model:`
    names one: `paxos`, an installed package's, or your own
    `./my_protocol.py:MyModel`): its parameters (default and meaning), its
    properties (spec name, kind, paper name, and the first sentence of what
    each claims), its mutants and its symmetric sets. `--format json` gives
    each property's whole description as `doc`."""
    from checker.errors import SpecError
    from models import REGISTRY

    classes = []
    for name in names or sorted(REGISTRY):
        try:
            found = REGISTRY.resolve(name, "./.")
        except SpecError as error:
            raise click.UsageError(f"{name}: {error.message}") from None
        if found is None:
            raise click.UsageError(f"no model {name!r}; the bundled ones are "
                                   f"{', '.join(sorted(REGISTRY))}, or name your own as "
                                   "./my_protocol.py:MyModel")
        if names:
            _built(found)
        classes.append(found)
    catalogue = [_entry(model) for model in classes]
    if output_format == "json":
        click.echo(json.dumps({"models": catalogue}, indent=2))
        return
    for entry in catalogue:
        click.echo(f"{entry['name']}: {entry['summary']}")
        click.echo("  parameters:")
        for param in entry["params"]:
            click.echo(f"    {param['name']} (default {json.dumps(param['default'])}"
                       f"{_range(param)}): {param['help']}")
        click.echo("  properties:")
        for prop in entry["properties"]:
            of_each = f", of each {prop['each']}" if prop["each"] else ""
            named = "" if prop["default"] else ", checked when a spec names it"
            click.echo(f"    {prop['name']} ({prop['kind']}{of_each}{named}): {prop['title']}")
            if prop["doc"]:
                # the title alone does not say what a witness or a scoped
                # invariant counts; long lines are left to the terminal, as
                # a parameter's meaning is
                click.echo(f"      {first_sentence(prop['doc'])}")
        click.echo("  mutants:" + ("" if entry["mutants"] else " none"))
        for mutant in entry["mutants"]:
            click.echo(f"    {mutant['name']}: {mutant['breaks']}")
        click.echo("  symmetric sets: " + (", ".join(entry["symmetry_sets"]) or "none"))
        click.echo("")


def _built(model) -> None:
    """A model named (a user's, say) is built with its defaults, and each of
    its mutants, so that a definition a check would refuse (an action of
    the wrong fields, a handler of an unknown message) is refused here too,
    in the one line a check gives, not listed as if sound."""
    from checker.errors import CheckerError, ParamError, raised_in_model

    for mutant in (None, *model.mutants):
        try:
            model(mutant=mutant)
        except ParamError:
            pass  # (defaults a model refuses: the spec gives its own)
        except CheckerError:
            raise
        except (Exception, SystemExit) as error:  # the model's own code
            raise raised_in_model(model.name, "building the model" + (
                f" with mutant {mutant}" if mutant else ""), error) from None


def _entry(model) -> dict:
    return {
        "name": model.name,
        "summary": model.summary,
        "params": [{"name": p.name, "default": p.default, "help": p.help,
                    "minimum": p.minimum, "maximum": p.maximum} for p in model.params],
        "properties": [{"name": p.name, "title": p.title, "kind": p.kind, "each": p.each,
                        "default": p.default, "doc": p.doc.replace("``", "`")} for p in model.properties.values()],
        "mutants": [{"name": name, "breaks": text} for name, text in model.mutants.items()],
        "symmetry_sets": list(model.symmetry_sets),
    }


def _range(param: dict) -> str:
    """``, 1 to 9``: the values a spec may give (the loader refuses others)."""
    low, high = param["minimum"], param["maximum"]
    if low is None and high is None:
        return ""
    if high is None:
        return f", at least {low}"
    return f", {low} to {high}" if low is not None else f", at most {high}"


def first_sentence(text: str) -> str:
    """The text up to its first full stop outside brackets: "At most one
    leader per term." of a property's docstring (a stop inside a bracketed
    aside, or one not followed by a space, does not end it)."""
    depth = 0
    for index, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if char == "." and depth <= 0 and text[index + 1:index + 2] in ("", " "):
            return text[:index + 1]
    return text
