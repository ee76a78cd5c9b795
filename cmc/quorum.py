"""`cmc quorum`: fault tolerance, zone placement and partitions of quorum rules."""

from __future__ import annotations

import json

import click

from cmc.exit_codes import FAILED

#: The analyses enumerate every subset of nodes; beyond this they get slow.
MAX_NODES = 12

EXAMPLES = """\b
Examples:
  cmc quorum                                  the table for N = 1..9
  cmc quorum --zones 2,2,1                    5 nodes over 3 zones
  cmc quorum --partition 1,3,5/2,4            which side can elect
  cmc quorum --nodes 4 --quorum '{threshold: 2}'
  cmc quorum --quorum '{flexible: {phase1: 4, phase2: 2}}' --nodes 5
  cmc quorum --quorum '{weights: [2, 1, 1, 1]}' --partition 1/2,3,4"""


class ZoneSizes(click.ParamType):
    """Comma-separated zone sizes: ``2,2,1``."""

    name = "SIZES"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            sizes = tuple(int(part) for part in value.split(","))
        except ValueError:
            sizes = ()
        if not sizes or min(sizes) < 1:
            self.fail(f"{value!r} is not a list of zone sizes such as 2,2,1 "
                      "(nodes per zone, each at least 1)", param, ctx)
        return sizes


class PartitionSides(click.ParamType):
    """Sides separated by ``/``, nodes by commas, numbered from 1: ``1,3,5/2,4``."""

    name = "SIDES"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            sides = tuple(tuple(int(node) for node in side.split(","))
                          for side in value.split("/"))
        except ValueError:
            sides = ()
        if len(sides) < 2 or min(min(side) for side in sides) < 1:
            self.fail(f"{value!r} is not a partition such as 1,3,5/2,4 (at least two "
                      "sides separated by '/', nodes numbered from 1)", param, ctx)
        return sides


@click.command("quorum", epilog=EXAMPLES)
@click.option("--nodes", "-n", type=click.IntRange(1, MAX_NODES), default=None,
              help="Number of nodes for --quorum. Default: the sum of --zones, "
                   "or the highest node named in --partition, or what the rule implies.")
@click.option("--quorum", "rule", metavar="RULE", default=None,
              help="The quorum rule, written as a spec's quorum: value (YAML): majority "
                   "(the default), '{threshold: K}', '{weights: [W, ...]}' (more than half "
                   "the weight; add 'threshold: K' to choose), '{quorums: [[1, 2], [2, 3]]}' "
                   "(those sets and their supersets), '{flexible: {phase1: K1, phase2: K2}}', "
                   "'{grid: [ROWS, COLUMNS]}' (a full row and a full column, nodes row by row) "
                   "or '{joint: {old: [1, 2, 3], new: [1, 2, 3, 4, 5]}}'.")
@click.option("--zones", type=ZoneSizes(), default=None,
              help="Place the nodes, in order, into failure zones of these sizes (2,2,1 puts "
                   "nodes 1-2, 3-4 and 5 in zones 1, 2 and 3) and show which single zone or "
                   "pair of zones can fail with a quorum left, how many nodes can be down at once "
                   "for maintenance, and how many while a zone is lost too (any nodes, "
                   "worst case).")
@click.option("--partition", type=PartitionSides(), default=None,
              help="Split the nodes (numbered from 1) into sides that cannot talk, such as "
                   "1,3,5/2,4, and show which side can elect a leader and why no two can. "
                   "Nodes on no side are down.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True,
              help='Text, or JSON: {"table": [{"nodes", "quorum", "tolerates", '
                   '"fatal_failures", "note"}, ...], "rule": ..., "zones": ..., '
                   '"partition": ...}, the last three when a rule, zones or a partition '
                   'is given.')
def quorum(nodes: int | None, rule: str | None, zones: tuple[int, ...] | None,
           partition: tuple[tuple[int, ...], ...] | None, output_format: str) -> None:
    """Answer quorum questions by enumeration: how many failures a cluster
    tolerates, what a placement into failure zones survives, and which side
    of a network partition can elect a leader.

    Always prints the fault-tolerance table of majority quorums for N = 1..9:
    the quorum size, the failures tolerated (the largest F such that any N-F
    live nodes contain a quorum), and the note that an even N tolerates no
    more failures than N-1 while needing a larger quorum.

    With --nodes, --quorum, --zones or --partition it also analyses one rule
    (majority by default): whether every two quorums intersect (for flexible
    rules, every phase-1 quorum with every phase-2 quorum), checked over all
    pairs of minimal quorums, with two disjoint quorums as the witness when
    not, and the failures it tolerates with a smallest fatal set of failures.

    Exit code 1 where two of the rule's quorums need not intersect (split
    brain is possible), so that a CI job can gate on a configuration; 0
    otherwise.
    """
    from checker.errors import ParamError
    from models import quorum as q
    from reports.quorum import RuleAnalysis, render_json, render_text

    if zones is not None:
        if nodes is not None and nodes != sum(zones):
            raise click.BadParameter(f"the zones hold {sum(zones)} nodes but --nodes is {nodes}",
                                     param_hint="'--zones'")
        nodes = _at_most(sum(zones), "'--zones'")
    value = _rule_value(rule) if rule is not None else "majority"
    if partition is not None and nodes is None and _needs_nodes(value):
        nodes = _at_most(max(max(side) for side in partition), "'--partition'")

    system = None
    if rule is not None or nodes is not None or partition is not None:
        try:
            system = q.quorum_system(value, nodes)
        except ParamError as error:
            raise click.BadParameter(error.message, param_hint="'--quorum'") from None
        if system.nodes > MAX_NODES:
            raise click.BadParameter(f"at most {MAX_NODES} nodes (every subset is "
                                     f"enumerated), not {system.nodes}", param_hint="'--quorum'")

    analysis = placement = split = None
    if system is not None:
        flexible = system.phase1 != system.phase2
        analysis = RuleAnalysis(system, q.intersection(system), q.tolerance(system),
                                q.tolerance(system.phase1) if flexible else None,
                                q.tolerance(system.phase2) if flexible else None)
        if zones is not None:
            try:
                placement = q.placement(system, zones)
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint="'--zones'") from None
        if partition is not None:
            try:
                split = q.partition(system, [[node - 1 for node in side] for side in partition])
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint="'--partition'") from None

    table = q.majority_table(9)
    if output_format == "json":
        click.echo(json.dumps(render_json(table, analysis, placement, split), indent=2))
    else:
        click.echo(render_text(table, analysis, placement, split), nl=False)
    if analysis is not None and not analysis.intersection.holds:
        click.get_current_context().exit(FAILED)


def _rule_value(text: str):
    """The --quorum text as a spec value (YAML, so '{threshold: 2}' works)."""
    import yaml

    from checker.errors import SpecError
    from checker.yamlsafe import BoundedLoader

    try:
        return yaml.load(text, Loader=lambda stream: BoundedLoader(stream, "--quorum"))
    except SpecError as error:  # aliases expanding past the limit, nesting too deep
        raise click.BadParameter(error.message, param_hint="'--quorum'") from None
    except (yaml.YAMLError, ValueError):
        raise click.BadParameter(f"{text!r} is not a YAML value such as majority or "
                                 "'{threshold: 2}'", param_hint="'--quorum'") from None


def _at_most(nodes: int, hint: str) -> int:
    if nodes > MAX_NODES:
        raise click.BadParameter(f"at most {MAX_NODES} nodes (every subset is enumerated), "
                                 f"not {nodes}", param_hint=hint)
    return nodes


def _needs_nodes(value) -> bool:
    """Whether a rule leaves the number of nodes to the command line."""
    if isinstance(value, int) and not isinstance(value, bool):
        return True  # a flexible phase's threshold
    if value == "majority":
        return True
    if isinstance(value, dict) and set(value) == {"threshold"}:
        return True
    if isinstance(value, dict) and set(value) == {"flexible"}:
        phases = value["flexible"]
        return isinstance(phases, dict) and _needs_nodes(phases.get("phase1"))
    return False
