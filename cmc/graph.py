"""`cmc graph SPEC`: the state graph of a small spec, as DOT, GraphML or JSON."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from cmc.exit_codes import HELP, INCOMPLETE
from cmc.options import given_path

_EXTENSIONS = {".dot": "dot", ".gv": "dot", ".graphml": "graphml", ".json": "json"}


@click.command("graph", epilog=HELP)
@click.argument("spec", metavar="SPEC")
@click.option("--format", "graph_format", type=click.Choice(["dot", "graphml", "json"]),
              help="dot (Graphviz), graphml, or json (networkx node-link). Default: from "
                   "the --output file's extension, else dot.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              callback=given_path,
              help="Write to FILE (whole, or not at all) instead of standard output.")
@click.option("--around", type=click.IntRange(min=0), metavar="K",
              help="Instead of every reachable state: check the spec, and draw its first "
                   "counterexample's path and every state reached within K steps "
                   "from a state on it (0: the path alone).")
@click.option("--property", "property_name", metavar="NAME",
              help="With --around: the counterexample of this property.")
@click.option("--max-depth", type=click.IntRange(min=0), metavar="N",
              help="Only states within N steps of an initial state (overrides the spec).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=2000, show_default=True,
              metavar="N", help="Refuse a graph of more than N states.")
def graph(spec: str, graph_format: str | None, output: str | None, around: int | None,
          property_name: str | None, max_depth: int | None, max_nodes: int) -> None:
    """Export the state graph of SPEC: states as nodes, steps as edges.

    Nodes carry the state (its fields as JSON, and a printed label), its
    depth, whether it is initial, the invariants it violates and the
    reachability properties it satisfies; edges carry the action. The whole
    graph respects the spec's max_depth and the model's state constraint
    but not symmetry (every state is drawn). A graph over --max-nodes states
    is refused with a suggestion, never written in part.

    \b
    Examples:
      cmc graph specs/paxos-3a-2v-2b.yaml --max-depth 3 -o small.dot
      dot -Tsvg small.dot > small.svg   # Graphviz draws it
      cmc graph specs/paxos-mutant-no-adopt.yaml --around 1 -o around.graphml
    """
    from checker.errors import CheckerError, SpecError, raised_in_model
    from checker.spec import load_spec
    from models import REGISTRY
    from cmc.check import run_inputs
    from reports.files import check_apart, check_writable, write_whole
    from reports.graph import write_graph

    if property_name is not None and around is None:
        raise click.UsageError("--property picks the counterexample for --around; give "
                               "--around K too")
    suffix = Path(output).suffix.lower() if output else ""
    if graph_format is None:
        if suffix and suffix not in _EXTENSIONS:
            raise click.BadParameter(
                f"cannot tell a graph format from {suffix!r}: name the file .dot, .gv, "
                ".graphml or .json, or give --format (for SVG: write .dot, then "
                "dot -Tsvg FILE.dot > FILE.svg)", param_hint="'-o' / '--output'")
        graph_format = _EXTENSIONS.get(suffix, "dot")
    loaded = load_spec(spec, REGISTRY).with_bounds(max_depth=max_depth)
    if output is not None:
        check_apart([(f"-o {output}", output)], run_inputs([loaded]), what="graph")
        check_writable(output)
    model = loaded.build()
    properties = tuple(model.properties[name] for name in
                       (loaded.properties if loaded.properties is not None
                        else model.properties))
    try:
        drawn = _draw(model, loaded, properties, around, property_name, max_nodes, spec)
    except KeyboardInterrupt:
        click.echo("interrupted: the graph was not written", err=True)
        sys.exit(INCOMPLETE)
    except SpecError as error:  # a fairness value no step has: at its line
        raise loaded.located(error) from None
    except CheckerError:
        raise
    except MemoryError:
        raise
    except (Exception, SystemExit) as error:  # the model's own code, exploring again
        raise raised_in_model(model.name, "drawing the graph", error) from None
    content = write_graph(drawn, graph_format)
    if output is None:
        click.echo(content, nl=False)
    else:
        write_whole(output, content)
        click.echo(f"wrote {output}: {drawn.number_of_nodes():,} states, "
                   f"{drawn.number_of_edges():,} steps", err=True)
    sys.exit(0)


def _draw(model, loaded, properties, around, property_name, max_nodes, spec):
    """The graph to write: every reachable state, or those around the first
    counterexample."""
    import checker
    from checker.errors import CheckerError
    from reports.graph import around_trace, reachable_graph, trace_graph

    if around is None:
        return reachable_graph(model, max_nodes, loaded.bounds.max_depth, properties)
    from checker.spec import suggest

    if property_name is not None and property_name not in model.properties:
        raise CheckerError(f"--property: {model.name} has no property {property_name!r}"
                           f"{suggest(property_name, model.properties)}; it has "
                           f"{', '.join(model.properties)}")
    config = loaded.config()
    if property_name is not None:
        config = dataclasses.replace(config, properties=(property_name,))
    result = checker.check(model, config)
    if result.stopped_by == "interrupted":
        raise KeyboardInterrupt
    # (a reachability property's run to draw around is its witness)
    found = [f for f in result.violations + result.witnesses if f.trace is not None]
    if not found:
        which = (f"{property_name} has no counterexample or witness" if property_name
                 else "no counterexample to draw around")
        raise CheckerError(f"{spec}: {which} (verdict {result.verdict}); drop --around "
                           "to draw every state")
    first = found[0]
    return (trace_graph(model, first.trace, properties, first) if around == 0 else
            around_trace(model, first.trace, around, max_nodes, properties))
