"""The checks of a model's definition, and a spec's choices of its network
and partition.

A mistake in the declarations (a handler taking or sending a type the
model does not list, an action of the wrong fields, a choice that is no
parameter) is a `ModelDefinitionError` that names the handler and the fix;
a wrong entry of a spec's ``network:`` or ``partition:``, a `ParamError`
naming the entry.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

from checker.errors import ModelDefinitionError, ParamError, shortened
from models.kit.globals import check_handler, check_record
from models.kit.handlers import Handler, Node
from models.kit.network import Heal, Network, Partition, Split, chosen, receiver_field
from models.kit.plain import hiding
from models.kit.records import Id, end_field, is_record_type

#: what `Node` itself defines or sets (``model``, ``id``, ``ids``), which a
#: handler's name would replace or be hidden by
_NODE_OWN = frozenset({"model", "id", "ids"} | {
    name for name in vars(Node) if not name.startswith("__")})


def _between(a: tuple[str, int], b: tuple[str, int]) -> str:
    """"no message goes between clients and servers", for a link's error."""
    if a[0] == b[0]:
        return f"no message goes between two of the {a[0]}"
    return f"no message goes between {a[0]} and {b[0]}"



class Definition:
    """`ActorModel`'s checks of its declarations, and its reading of a
    spec's network and partition."""

    def partition_from(self, given: Mapping[str, Any]) -> Partition:
        """A spec's ``partition:``: ``groups`` (each node of a group cut off
        from those of the others) or ``links`` (pairs of nodes), by the names
        reports print (``s1``; a member of a set that a node runs by its own,
        as raft-kv's client ``c1``: `Node.runs`); ``from_start`` (default
        true): down in the initial state; ``splits`` (default 0): how many
        times it may go down again after healing; ``heals`` (default true):
        false for links that, once down, stay down. `ParamError` names a wrong
        entry: an unknown node, a node twice, a link between nodes that
        exchange no messages, groups between which no message goes."""
        names = self.partition_ends()
        talking = self._talking_sets()

        def node(name: Any, field: str) -> tuple[str, int]:
            if name not in names:
                raise ParamError(field, f"no node {name!r}; the nodes are "
                                        f"{', '.join(names)}")
            return names[name]

        def carries(link: frozenset) -> bool:
            return frozenset(set_name for set_name, _ in link) in talking

        if ("groups" in given) == ("links" in given):
            raise ParamError("partition", "give groups: (nodes cut off from one another's) "
                                          "or links: (pairs of nodes), one of the two")
        from_start, splits = given.get("from_start", True), given.get("splits", 0)
        heals = given.get("heals", True)
        if "links" in given:
            links = []
            for k, pair in enumerate(given["links"]):
                ends = [node(name, f"partition.links[{k}][{e}]") for e, name in enumerate(pair)]
                links.append(frozenset(ends))
                if len(links[-1]) != 2:
                    raise ParamError("partition.links", "a link joins two different nodes")
                if not carries(links[-1]):
                    raise ParamError(f"partition.links[{k}]", f"{pair[0]} and {pair[1]} "
                                     f"exchange no messages ({_between(*ends)}); give a link "
                                     "between nodes that message each other")
            return Partition(frozenset(links), from_start, splits, heals)
        groups, seen = [], set()
        for k, group in enumerate(given["groups"]):
            groups.append([node(name, f"partition.groups[{k}][{e}]")
                           for e, name in enumerate(group)])
            twice = seen & set(groups[-1])
            if twice or len(set(groups[-1])) < len(groups[-1]):
                raise ParamError(f"partition.groups[{k}]", "names a node that is in "
                                 "another group or twice; give each node once")
            seen |= set(groups[-1])
        partition = Partition.between(groups, from_start, splits, heals)
        if not any(map(carries, partition.links)):
            raise ParamError("partition.groups", "no message goes between nodes of different "
                             "groups, so the partition cuts nothing; put nodes that message "
                             "each other in different groups")
        return partition

    def partition_ends(self) -> dict[str, tuple[str, int]]:
        """What a partition may name, by name: each node as (its set's name,
        its number), but a node that runs members of a set (`Node.runs`)
        by its members, each as (that set's name, its number)."""
        ends: dict[str, tuple[str, int]] = {}
        for role, nodes in zip(self._roles, self._nodes):
            for node in nodes:
                if role.runs is None:
                    ends[node.name] = (role.ids.set_name, node.id)
                    continue
                members = role.runs.set_name
                ends.update((node.member_name(i), (members, i))
                            for i in range(self.set_size(members)))
        return ends

    def _talking_sets(self) -> set[frozenset]:
        """The pairs of sets (one set: within it) that some message type
        goes between, by its sender's and receiver's fields."""
        from models.kit.records import id_type

        pairs = set()
        for kind in self.messages:
            fields = [end_field(kind, end) for end in ("src", "dst")]
            if all(field in kind._fields for field in fields):
                ends = [id_type(kind, field) for field in fields]
                if None not in ends:
                    pairs.add(frozenset(ids.set_name for ids in ends))
        return pairs

    def _declared_network(self) -> Network:
        """The declared network, or the one the spec chose; the instance's
        actions then list the chosen network's faults in place of the
        declared one's."""
        declared = type(self).network
        choice = self._network_choice
        if choice is None:
            return declared
        kind = choice.get("kind")
        if kind not in self.network_choices:
            raise ParamError("network.kind", (
                f"{self.name} runs on its own network only; remove network:"
                if not self.network_choices else
                f"{self.name} runs on {' or '.join(self.network_choices)}, not {kind!r}"))
        network = chosen(declared, kind, choice.get("drop", 0), choice.get("duplicate", 0),
                         copies=choice.get("copies"), receive=choice.get("receive"))
        faults = set(declared.fault_actions)
        self.actions = tuple(kind for kind in self.actions if kind not in faults) + tuple(
            network.fault_actions)
        return network


    def _take_partition(self, network: Network) -> None:
        """The spec's partition, for a model that takes one on its network; the
        instance's actions gain the partition's steps."""
        if not self.partitions or not getattr(network, "partition_param", None):
            raise ParamError("partition", f"{self.name} takes no partition from a spec "
                             "(its network is no Bag, Fifo, Inbox or Delayed declared with "
                             "partition=); remove partition:")
        self.spec_partition = self.partition_from(self._partition_choice)
        self.actions = tuple(kind for kind in self.actions
                             if kind not in (Heal, Split)) + self.spec_partition.steps

    def _check_definition(self) -> None:
        """Mistakes in the declarations, each said with its fix."""
        def wrong(what: str) -> ModelDefinitionError:
            return ModelDefinitionError(f"model {self.name!r}: {what}")

        check_record(self, wrong)
        self._check_next(wrong)
        records = [role.state for role in self._roles] + list(self.messages) + [self.globals]
        for kind in records if self.symmetry_sets else ():
            found = hiding(kind, kind.__name__, loose=True) if is_record_type(kind) else None
            if found is not None:  # (the kit's renaming would leave such a value as it is)
                raise wrong(f"{found[0]} is typed {found[1]}: renaming picks a union's "
                            "option by the value's type, and ids are ints; hold one id type "
                            "in the field, or tell the options apart with a record of each")
        for role in self._roles:
            ids = getattr(role, "ids", None)
            if not (isinstance(ids, type) and issubclass(ids, Id)):
                raise wrong(f"node class {role.__name__} has no id type; declare one, "
                            f"as ids = models.kit.ids(\"servers\", \"s\")")
            self._check_initial(wrong, role)
            for name, handler in role.handlers().items():
                if name in _NODE_OWN:
                    raise wrong(f"{role.__name__}.{name}: a handler cannot be named as the "
                                f"node's own {name!r} (Node.{name}, which it would replace); "
                                "rename the handler")
                check_handler(self, wrong, role, name, handler)
                for kind in ((handler.takes,) if handler.takes else ()) + handler.reads \
                        + handler.sends:
                    if kind not in self._kind_index:
                        raise wrong(f"{role.__name__}.{name} takes, reads or sends "
                                    f"{kind.__name__}, which is not in the model's `messages`")
                inputs = handler.message_fields + (
                    handler.values if handler.choose is not None else 0)
                if handler.choose is not None:
                    self._check_choice(wrong, role, name, handler)
                budget = handler.restart or handler.crash
                self._check_record_kept(wrong, role, name, handler)
                if budget is not None and not isinstance(getattr(self, budget, None), int):
                    raise wrong(f"{role.__name__}.{name} takes its steps within the budget "
                                f"{budget!r}, which is not a parameter of the model; "
                                f"add Param({budget!r}, ...) to its params")
                if budget is not None:
                    inputs = 0
                fields = getattr(handler.action, "_fields", None)
                if fields is not None and handler.whole:
                    self._check_whole(wrong, role, name, handler)
                    continue
                if fields is None or len(fields) != 1 + inputs:
                    raise wrong(f"the action {handler.action.__name__} of {role.__name__}."
                                f"{name} must be a named tuple of {1 + inputs} fields: the "
                                "node, then " + (
                                    "the message's fields, then the choice"
                                    if handler.takes and handler.choose is not None
                                    else "the message's fields" if handler.takes
                                    else "the choice" if inputs else "nothing"))
                if handler.takes is not None and handler.choose is not None:
                    self._check_parameters(wrong, role, name, handler)

    def _check_next(self, wrong: Callable) -> None:
        """Where the model lists its steps in groups (`next`), a handler its
        node class declares and no group lists would never run (a timer's
        would hold time back for ever), which the coverage lines alone would
        tell. A handler inherited may be left out: raft-kv's servers take
        raft's steps but its Restart. Crashes and restarts run within their
        budgets, listed or not."""
        if not self.next:
            return
        listed = {f for group in self.next for f in group}
        for role in self.roles:
            for name, handler in role.handlers().items():
                if handler.crash is None and handler.restart is None \
                        and name in vars(role) and getattr(role, name) not in listed:
                    raise wrong(f"{role.__name__}.{name} is a handler, but no group of `next` "
                                f"lists it, so it would never run; add {role.__name__}.{name} "
                                "to a group of next, or remove its decorator")

    @staticmethod
    def _check_initial(wrong: Callable, role: type[Node]) -> None:
        """A node starts from its record's defaults unless it says otherwise
        (`Node.initial`): a field with no default is then a mistake, found
        here rather than as a TypeError of the first state."""
        if role.state is None or role.initial is not Node.initial \
                or not is_record_type(role.state):
            return
        missing = [f for f in role.state._fields if f not in role.state._field_defaults]
        if missing:
            record = role.state.__name__
            raise wrong(f"{role.__name__} starts from the defaults of its record {record}, "
                        f"but {', '.join(missing)} {'has' if len(missing) == 1 else 'have'} "
                        f"none; give {record}'s fields defaults ({missing[0]}: int = 0), or "
                        f"define {role.__name__}.initial(self) returning the first record")

    def _check_record_kept(self, wrong: Callable, role: type[Node], name: str,
                           handler: Handler) -> None:
        """A timer's deadline is a field of the node's record, and a crash
        keeps what survives in the node's place (`Down` of it): a node
        without a record has neither."""
        where = f"{role.__name__}.{name}"
        if handler.timer is not None:
            if role.state is None:
                raise wrong(f"{where} is a timer, whose deadline is the field "
                            f"{handler.timer!r} of the node's record, but {role.__name__} "
                            "keeps no record (state = None); give it a record with that field")
            if not hasattr(role.state, handler.timer):
                raise wrong(f"{where} is a timer whose deadline is the field "
                            f"{handler.timer!r}, which {role.state.__name__} has not; add "
                            f"it (None: not set), or fix the name in deadline=")
        if (handler.crash or handler.restart) and role.state is None:
            raise wrong(f"{where} crashes or restarts the node, but {role.__name__} keeps no "
                        "record (state = None) for what survives; give it one (a "
                        "NamedTuple of no fields keeps nothing)")

    def _check_whole(self, wrong: Callable, role: type[Node], name: str,
                     handler: Handler) -> None:
        """An action built from the message alone (``Receive(m)``) names the
        node that takes the step only through the message's receiver: a
        message naming none, taken by several nodes, would be received by
        each as one and the same step (a trace, a chart, a fairness family
        could not tell which)."""
        nodes = role.count if role.count is not None else self.set_size(role.ids.set_name)
        if receiver_field(handler.takes) is None and nodes > 1:
            kind, action = handler.takes.__name__, handler.action.__name__
            raise wrong(f"{role.__name__}.{name}'s action {action} is the message alone, but "
                        f"{kind} names no receiver: each of the {nodes} nodes of "
                        f"{role.__name__} would receive one as the same step; name the "
                        f"receiver in {kind} (dst = \"<its field>\"), or give {action} "
                        "the node first, then the message's fields")

    def _check_choice(self, wrong: Callable, role: type[Node], name: str,
                      handler: Handler) -> None:
        """A handler's `choose`: a parameter or attribute of the model, an
        int, or a function of the arguments it is given."""
        where, choose = f"{role.__name__}.{name}", handler.choose
        of = "(node, record) or (node, record, message)" if handler.takes else "(node, record)"
        if isinstance(choose, str):
            if not hasattr(self, choose):
                raise wrong(f"{where} chooses from {choose!r}, which is neither a parameter "
                            f"nor an attribute of the model; fix the name, or set "
                            f"self.{choose} in setup()")
        elif callable(choose):
            self._check_choice_globals(wrong, where, handler)
            if handler.choose_arity is None:
                raise wrong(f"{where} chooses with a function that does not take {of}; "
                            f"give choose= a function of {of}")
        elif not isinstance(choose, int) or isinstance(choose, bool):
            raise wrong(f"{where} chooses from {shortened(choose)}; give choose= a "
                        f"parameter's name, an int or a function of {of}")

    def _check_choice_globals(self, wrong: Callable, where: str, handler: Handler) -> None:
        """A choice function's parameter named as a global is one the handler
        declares it reads (else the kit would not pass it, nor key the
        handler's plan on it)."""
        if self.globals is None:
            return
        try:
            parameters = inspect.signature(handler.choose).parameters.values()
        except (TypeError, ValueError):
            return
        for p in parameters:
            if (p.name in self.globals._fields or p.name in self._derived) \
                    and p.name not in handler.reads_globals:
                raise wrong(f"{where} chooses with a function taking {p.name!r}, a global "
                            f"the handler does not declare: add reads_globals=({p.name!r},) "
                            "to its mark, or rename the parameter")

    def _check_parameters(self, wrong: Callable, role: type[Node], name: str,
                          handler: Handler) -> None:
        """A message handler that chooses takes the record, the message,
        each value of the choice and the messages it reads, in that order."""
        try:
            parameters = list(inspect.signature(getattr(role, name)).parameters.values())[1:]
        except (TypeError, ValueError):
            return
        if any(p.kind is p.VAR_POSITIONAL for p in parameters):
            return
        keywords = set(handler.reads_globals) | {"now"}
        positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY,
                                                          p.POSITIONAL_OR_KEYWORD)
                      and p.name not in keywords]
        given = (role.state is not None) + 1 + handler.values + len(handler.reads)
        required = sum(p.default is p.empty for p in positional)
        if required <= given <= len(positional):
            return
        chosen = list(handler.action._fields[1 + handler.message_fields:])
        read = [kind.__name__.lower() for kind in handler.reads]
        wanted = ["s"] * (role.state is not None) + ["m"] + chosen + read
        raise wrong(f"{role.__name__}.{name} takes {len(positional)} arguments, but is given "
                    f"{given}: " + ("the record, " if role.state is not None else "")
                    + f"the message{',' if read else ' and'} the choice's {handler.values} "
                    + ("value" if handler.values == 1 else "values")
                    + (f" and the {len(read)} {'set' if len(read) == 1 else 'sets'} of "
                       "messages it reads" if read else "")
                    + f"; define it as def {name}(self, {', '.join(wanted)})")
