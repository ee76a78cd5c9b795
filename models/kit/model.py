"""The model the kit builds from nodes and their handlers (`models.kit.handlers`).

`ActorModel` is a `checker.Model` built from:

- ``roles``: the node classes, each with its id type (``ids = Acceptor``);
  the role has one node per element of its set, as many as the model's
  parameter of the set's name (``acceptors = 3``), or its class's ``count``;
- ``messages``: the message types; ``network``: a kit network, and
  ``network_choices``, the kinds a spec may choose instead (``network:
  fifo`` with its budgets; the declared network's budget parameters are
  then not read);
- ``next`` (optional): the order of steps, as TLA+'s Next lists its
  disjuncts: a tuple of groups, each a tuple of handlers of one role,
  expanded node by node (``\\E a \\in Acceptor : Phase1b(a) \\/ Phase2b(a)``).
  The default is one group per role, handlers in definition order. A
  handler a node class declares must be in a group (one inherited may be
  left out: it then never runs); crashes and restarts run listed or not.

The global state is a tuple: one record per node with a record, in role and
node order, then the network's value. A step that changes nothing (sending
a message already in a message set, with the record unchanged) is not
generated.

Globals: variables of no node (a client's ``observed`` events and
``pending`` commands, a global counter, a coordinator's token) are one
record, ``globals = Client`` on the model (a NamedTuple whose fields are
typed as any record's, so that symmetry renames an id-typed one), in the
state just after the nodes' records; ``initial_globals()`` gives its first
value. A method of the model marked ``@derived`` (``terminated(self,
client)``) is a function of the record that handlers read by name as if a
field. A handler declares what it reads, ``@on(Accept, HandleAccept,
reads_globals="terminated")``, and takes each as the keyword parameter of
that name (``def handle_accept(self, s, m, terminated)``), so its result is
remembered on exactly those values: TLA+'s ``~terminated`` guarding every
action is a read of one boolean. A handler that writes declares it too
(``writes_globals=("observed",)``) and returns the new values after its
messages: ``(new_record, sends, {"observed": ...})``, ``{}`` where a step
writes none (a result without them is an error: the write was most likely
forgotten); fields it does not write keep their values. A handler
reading a global it does not declare cannot see it (no handler is given
the state); one with a parameter named as a global it does not declare, a
declared read it takes no parameter for, a write it does not declare, a
write of a derived global, are
`ModelDefinitionError`s naming the handler and the fix (`models.kit.globals`). Properties read the
record with ``model.globals_of(state)``, a spec's expression invariants each
field by its name, reports each field by its name (``observed: + ...``).

Mutants are overrides: ``@Model.mutant("name", "what it breaks")`` on a
subclass of a node class (it replaces that role's class) or of the model
(it replaces the model: for deviations outside handlers, such as the
quorum rule). Nothing in the normal path tests for a mutant.

Time (`models.kit.clock`): a model that declares ``clock = Clock(...)``
has the clock's value in its global state; its handlers take the node's
clock reading as the keyword ``now`` (and are memoized on it too);
``@on_timer(Action, deadline="field")`` marks a timer handler (reading
and writing globals as any handler may); the clock's
steps (ticks, drift, pauses) come after the network's faults and the
crashes and restarts. A paused node takes no step.

The global state is ``records + (globals,) + (budgets,) + (clock,) +
(network,)``: the globals only in a model that declares them, the budgets
left only in a model with crash or restart handlers, the clock only in a
model with time.

Partitions (on a `Bag`, `Fifo`, `Inbox` or `models.kit.clock.Delayed`
declared with ``partition=``): links down between
groups of nodes or between given pairs, from the start or not, healing and
going down again within a budget of splits (`models.kit.network.Partition`),
declared by the model or given by a spec's ``partition:`` where the model
allows (``partitions = True``).

`ActorModel`'s parts: the checks of its definition and a spec's choice of
network and partition (`models.kit.definition`), the plans of its groups
of handlers (`models.kit.plans`), crashes and restarts
(`models.kit.crashes`), time (`models.kit.clock`), printing
(`models.kit.printing`).
"""

from __future__ import annotations

from functools import partial, update_wrapper
from itertools import product
from typing import Any, Callable, ClassVar, Iterable, Mapping, Sequence

from checker.errors import ModelDefinitionError, shortened
from checker.model import Model
from models.kit import memo
from models.kit.clock import Timed
from models.kit.crashes import Crashes
from models.kit.definition import Definition
from models.kit.globals import derived_of, written
from models.kit.handlers import Handler, Node, Stay, mark_up
from models.kit.memo import Interned, Memo, handler_of
from models.kit.network import Heal, MessageSet, Network, Split
from models.kit.plans import Deliveries, Group
from models.kit.printing import Printing
from models.kit.records import name_values, receipt
from models.kit.symmetry import Layout


def _of_component(decide: Callable, select: Callable, kind: type, component: Any) -> Any:
    """`decide` of the messages of type `kind` in a network component."""
    return decide(select(component, kind))


def _looked_up(verdicts: Memo, c: int) -> Callable[[tuple], Any]:
    """The predicate of states: the verdict on component `c` of the network."""
    return lambda state: verdicts[state[-1][c]]



#: a model with a mutant's node class in place of its base's (`ActorModel.mutant_class`)
_WITH_ROLE: dict[tuple[type, type], type] = {}


class ActorModel(Definition, Crashes, Timed, Printing, Model):
    """A `checker.Model` built from nodes and handlers; see the module docstring."""

    roles: ClassVar[tuple[type[Node], ...]] = ()
    symmetry_derived: ClassVar[bool] = True  # (from the records' and messages' types)
    messages: ClassVar[tuple[type, ...]] = ()
    network: ClassVar[Network] = MessageSet()
    next: ClassVar[tuple[tuple[Callable, ...], ...] | None] = None
    clock: ClassVar[Any] = None  # a `models.kit.clock.Clock`, for a model with time
    #: the kinds of network (`models.kit.network.KINDS`) a spec may choose in
    #: place of `network` (``network: fifo``); empty: `network` is the only one
    network_choices: ClassVar[tuple[str, ...]] = ()
    #: whether a spec may give a partition (``partition: {groups: [[s1], [s2,
    #: s3]]}``): the model's network is a `Bag`, `Fifo`, `Inbox` or
    #: `models.kit.clock.Delayed` declared with ``partition=``,
    #: and its symmetry keeps apart the nodes the partition tells apart
    partitions: ClassVar[bool] = False
    #: the type of the model's global variables, those of no node (a
    #: client's observed events, a counter): one record (a NamedTuple), in
    #: the global state after the nodes' records; `initial_globals` gives
    #: its value in the initial state. Handlers declare what they read and
    #: write of it (`on`, `step`); `derived` methods are read as its fields.
    globals: ClassVar[type | None] = None
    _mutant_classes: ClassVar[dict[str, type]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # a subclass (a bound, symmetry of its own) keeps its base's mutants
        cls.mutants = {**getattr(cls, "mutants", {}), **cls.__dict__.get("mutants", {})}
        cls._mutant_classes = dict(getattr(cls, "_mutant_classes", {}))
        cls.actions = cls._actions_of(cls.roles)
        cls._declare_printing(cls.roles, cls.actions)

    @classmethod
    def _actions_of(cls, roles: Sequence[type]) -> tuple[type, ...]:
        """The action types of the model whose node classes are `roles` (the
        declared ones, or with a mutant's in place of its base's)."""
        handlers = [handler for role in roles for handler in role.handlers().values()]
        # the steps of the handlers `next` lists, in its order (one it leaves
        # out never runs), else of every handler (of a mutant's class, the
        # handler of the listed one's name, which runs in its place)
        named: dict = {}  # a function a role or a base of it defines -> the role's handler
        for role in roles:
            own = role.handlers()
            for base in role.__mro__:
                for name, handler in own.items():
                    if name in vars(base):
                        named.setdefault(vars(base)[name], handler)
        actions = ([named[f].action if f in named else f.__kit_handler__.action
                    for group in cls.next for f in group] if cls.next
                   else [h.action for h in handlers if h.restart is None and h.crash is None])
        # the network's faults, crashes and restarts, the clock's steps, as
        # `successors` takes them
        return tuple(dict.fromkeys(
            actions + list(cls.network.fault_actions)
            + [h.action for h in handlers if h.restart is not None or h.crash is not None]
            + list(cls.clock.actions if cls.clock else ())))

    @classmethod
    def _declare_printing(cls, roles: Sequence[type], actions: Sequence[type]) -> None:
        """Records with named fields print them by name
        (`models.kit.records.show`), the action of receiving a message with
        the message's arrow."""
        handlers = [handler for role in roles for handler in role.handlers().values()]
        for role in roles:  # (a crashed node reads .down true, one that is up false)
            if role.state is not None and any(h.crash is not None
                                              for h in role.handlers().values()):
                mark_up(role.state)
        for handler in handlers:  # (an action that chooses too prints as any record)
            if handler.takes is not None and not handler.whole and handler.choose is None:
                receipt(handler.action, handler.takes)
        for kind in list(cls.messages) + [role.state for role in roles] + list(actions) \
                + [cls.globals]:
            name_values(kind)

    @classmethod
    def mutant(cls, name: str, description: str) -> Callable[[type], type]:
        """Declare the decorated class as mutant `name`: a subclass of one
        of the model's node classes (replacing it) or of the model (which
        `Model.__new__` builds for ``mutant=name``, as for plain models)."""
        def declare(variant: type) -> type:
            if issubclass(variant, cls):
                variant.mutants, variant._mutant_classes = cls.mutants, cls._mutant_classes
            elif not any(issubclass(variant, role) for role in cls.roles):
                raise ModelDefinitionError(
                    f"mutant {name!r} of {cls.name!r}: {variant.__name__} must subclass "
                    f"{cls.__name__} or one of its node classes")
            cls.mutants[name] = description
            cls._mutant_classes[name] = variant
            return variant
        return declare

    @classmethod
    def mutant_class(cls, mutant: str | None) -> type[Model]:
        """A mutant that is one of the node classes takes the actions of the
        model with it in place of its base (its handler may take a step of
        its own: `_build` does the same for the instance)."""
        variant = cls._mutant_classes.get(mutant) if mutant is not None else None
        if not (isinstance(variant, type) and any(issubclass(variant, r) for r in cls.roles)):
            return super().mutant_class(mutant)
        key = (cls, variant)
        if key not in _WITH_ROLE:
            _WITH_ROLE[key] = type(cls.__name__, (cls,), {
                "roles": tuple(variant if issubclass(variant, role) else role
                               for role in cls.roles),
                "__module__": cls.__module__, "__qualname__": cls.__qualname__})
        return _WITH_ROLE[key]

    def __init__(self, network_choice: Mapping[str, Any] | None = None,
                 partition_choice: Mapping[str, Any] | None = None, **kwargs: Any):
        """`network_choice`: a spec's choice of network, ``{"kind": "fifo",
        "drop": 1}``, in place of the declared one (see `network_choices`);
        `partition_choice`: a spec's partition (see `partition_from`). (Not
        `network` and `partition`: a model may have parameters so named.)"""
        self._network_choice = network_choice
        self._partition_choice = partition_choice
        #: the spec's partition, resolved (`models.kit.network.Partition`), or None
        self.spec_partition = None
        super().__init__(**kwargs)
        self._build()


    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        # a mutant that is a node class: the model with it in place of its
        # base, whose handler may take a step of its own (`mutant_class`)
        with_mutant = type(self).mutant_class(self.mutant)
        self._roles = list(with_mutant.roles)
        if with_mutant is not type(self) and not isinstance(self, with_mutant):
            self.actions = with_mutant.actions
        self._kind_index = {kind: k for k, kind in enumerate(self.messages)}
        self._marks = {role: role.handlers() for role in self._roles}
        self._derived = {name: getattr(self, name) for name in derived_of(type(self))}
        self._check_definition()
        declared = self._declared_network()
        self._nodes = [[role(self, i) for i in range(
            role.count if role.count is not None else self.set_size(role.ids.set_name))]
            for role in self._roles]
        if self._partition_choice is not None:
            self._take_partition(declared)
        self.network = declared.bind(self, tuple(self.messages))
        # (a fault whose budget is 0 cannot happen here, as a crash's: crashes.py;
        # nor `Heal` or `Split` where the partition, the model's or the spec's,
        # never takes them)
        self.actions = tuple(kind for kind in self.actions
                             if kind not in self.network.switched_off
                             and (kind not in (Heal, Split) or kind in self.network.fault_actions))
        self._read = self.network.read
        slots = [(r, node.id) for r, nodes in enumerate(self._nodes)
                 for node in nodes if node.state is not None]
        self._slot = {slot: position for position, slot in enumerate(slots)}
        # the globals record, if any, just after the nodes' records
        self._globals_at = len(slots) if self.globals is not None else None
        self._written = Memo(self._write)
        self._bind_clock()
        self._intern = Interned(owner=f"model {self.name!r}: ")
        self._outcomes = Memo(self._run, differs=lambda key, first, second: self._differs(
            key[0], key[1], key[2], _outcome_text(first), _outcome_text(second)),
            checked_by=handler_of)
        self._role_slices: dict[type, slice] = {}
        names_of = {f: (r, name) for r, role in enumerate(self._roles)
                    for name in role.handlers() for f in [getattr(self.roles[r], name)]}
        groups = [[names_of[f] for f in group] for group in self.next] if self.next else [
            [(r, name) for name, handler in role.handlers().items()
             if handler.restart is None and handler.crash is None]
            for r, role in enumerate(self._roles)]
        groups = [group for group in groups if group]
        self._setup_restarts(slots)
        # the global state's length: records, budgets left, clock, network
        self.network.state_size = (len(slots) + (self.globals is not None)
                                   + bool(self._budget_names) + (self.clock is not None) + 1)
        self._groups = []
        for group in groups:
            if len({r for r, _ in group}) != 1:
                raise ModelDefinitionError(f"model {self.name!r}: each group of `next` "
                                           "lists handlers of one role")
            names = [name for _, name in group]
            role = self._roles[group[0][0]]
            if getattr(self.network, "per_message", False) and all(
                    role.handlers()[name].takes is not None for name in names):
                for name in names:
                    handler = role.handlers()[name]
                    if handler.reads:
                        raise ModelDefinitionError(
                            f"model {self.name!r}: {role.__name__}.{name} reads messages "
                            f"({', '.join(kind.__name__ for kind in handler.reads)}), which "
                            "the handlers of a bag delivering message by message "
                            "(per_message) cannot yet; use a Bag without per_message")
                self._groups.append(Deliveries(self, group[0][0], names))
            else:
                self._groups.append(Group(self, group[0][0], names))
        if getattr(self.network, "per_message", False):
            # each type's faults come once: with the receipts of the first
            # group delivering it message by message, else with the network's
            delivered: set[int] = set()
            for group in self._groups:
                if isinstance(group, Deliveries):
                    group.faulted = frozenset(group.taken - delivered)
                    delivered |= group.taken
            self.network.fault_kinds = [k for k in range(len(self.messages))
                                        if k not in delivered]
        self._expanded = 0
        self.successors = self._compile_successors()
        self._bind_message_properties()
        sizes = {role.ids.set_name: len(nodes) for role, nodes in zip(self._roles, self._nodes)}
        sizes.update({name: self.set_size(name) for name in self.symmetry_sets})
        self._layout = Layout([(self._roles[r].ids.set_name, i) for r, i in slots],
                              self.network, sizes, tuple(self.symmetry_sets), self.clock,
                              globals_at=self._globals_at)


    @staticmethod
    def _spread(choice: Any, handler: Handler, name: str, node: Node) -> tuple:
        """A choice of several values, one per field of the action after the
        node's (and the message's)."""
        if not isinstance(choice, tuple) or len(choice) != handler.values:
            after = "the message's fields" if handler.takes is not None else "the node"
            raise ModelDefinitionError(
                f"{type(node).__name__}.{name} chose {choice!r}, but its action "
                f"{handler.action.__name__} takes {handler.values} values after {after} "
                f"({', '.join(handler.action._fields[1 + handler.message_fields:])}); give "
                "each choice as a tuple of as many")
        return choice

    def set_size(self, name: str) -> int:
        """How many elements the set `name` has: the parameter of that name."""
        return getattr(self, name)

    def _choices(self, handler: Handler, node: Node, record: Any,
                 message: Any = None, seen: tuple | None = None) -> Iterable[Any]:
        """The choices of `handler` (its `choose`, not None) for `node` with `record`
        (and, for a message handler whose function takes it, `message`; for
        a function taking globals, each of those it names of the values
        `seen` of the globals the handler reads, as the keyword of its name)."""
        choose = handler.choose
        if callable(choose):
            if handler.choose_globals:
                choose = partial(choose, **{name: value for name, value in zip(
                    handler.reads_globals, seen) if name in handler.choose_globals})
            if handler.choose_arity == 3:
                return choose(node, record, message)
            return choose(node, record)
        choices = choose if isinstance(choose, int) else getattr(self, choose)
        return range(choices) if isinstance(choices, int) else choices

    def _each_choice(self, handler: Handler, name: str, node: Node, record: Any,
                     message: Any = None, seen: tuple | None = None) -> Iterable[tuple]:
        """Each choice as the values given to the handler after its record
        (and message): () without a choice, (v,) for one value, the tuple
        of several."""
        if handler.choose is None:
            return ((),)
        one = handler.values == 1
        return [(choice,) if one else self._spread(choice, handler, name, node)
                for choice in self._choices(handler, node, record, message, seen)]

    def _run(self, key: tuple) -> tuple | None:
        """Run handler `name` of `node` on `record` and `inputs` (and the
        node's clock reading `now`, in a model with time, and the values
        `seen` of the globals it reads, each as the keyword of its name):
        None when not enabled, else (the new record, interned; messages
        sent as (type index, message); whether the message received stays;
        the globals written as (field index, value) pairs)."""
        # (a handler that reads no globals has a key of five: raft-kv's
        # leases override this method and pass such keys on)
        node, name, record, inputs, now = key[:5]
        seen = key[5] if len(key) > 5 else None
        handler = getattr(node, name)
        mark = self._marks[type(node)][name]
        if now is not None:
            handler = partial(handler, now=now)
        if seen is not None:
            handler = partial(handler, **dict(zip(mark.reads_globals, seen)))
        stays, writes = False, None
        if node.state is None:
            sent = handler(*inputs)
            new_record = None
            # a node without a record returns its messages, then what it writes
            if type(sent) is tuple and len(sent) == 2 and isinstance(sent[1], Mapping):
                sent, writes = sent[0], written(
                    self, f"model {self.name!r}: {type(node).__name__}.{name}", mark, sent[1])
            elif mark.writes_globals and sent is not None:
                raise self._wrote_nothing(type(node).__name__, name, mark,
                                          "([messages sent], ")
        else:
            outcome = handler(record, *inputs)
            if outcome is None:
                return None
            stays = isinstance(outcome, Stay)
            # (a record alone is a tuple too, of its own type)
            writing = type(outcome) is tuple and len(outcome) == 3 and (
                mark.writes_globals or isinstance(outcome[2], Mapping))
            if not (((type(outcome) is tuple or stays) and len(outcome) == 2) or writing):
                raise ModelDefinitionError(
                    f"model {self.name!r}: {type(node).__name__}.{name} returned "
                    f"{shortened(outcome)}; return (the new record, [messages sent])"
                    + (" or (the new record, [messages sent], {global: new value})"
                       if mark.writes_globals else "")
                    + ", or None where the step is not enabled")
            if mark.writes_globals and not (writing or stays):
                # the declared write never happens: most likely a forgotten item
                raise self._wrote_nothing(type(node).__name__, name, mark,
                                          "(the new record, [messages sent], ")
            new_record, sent = outcome[0], outcome[1]
            if new_record is None:  # (often `None if c else r, []`: the pair binds last)
                raise ModelDefinitionError(
                    f"model {self.name!r}: {type(node).__name__}.{name} returned "
                    f"{shortened(outcome)}, a pair whose record is None; return None alone "
                    "where the step is not enabled, else (the new record, [messages sent])")
            if writing:
                writes = written(self, f"model {self.name!r}: {type(node).__name__}.{name}",
                                 mark, outcome[2])
            try:
                new_record = self._intern(new_record)
            except TypeError as error:
                raise ModelDefinitionError(
                    f"model {self.name!r}: {type(node).__name__}.{name} returned a record "
                    f"that is not hashable ({error}): {_unhashable(new_record)}; build records "
                    "of tuples, frozensets, named tuples, ints, strings and None") from None
        if sent is None:
            return None
        sends = []
        for message in sent:
            k = self._kind_index.get(type(message))
            if k is None:
                raise ModelDefinitionError(
                    f"model {self.name!r}: {type(node).__name__}.{name} sent a "
                    f"{type(message).__name__}, which is not in the model's `messages`")
            sends.append((k, self._intern(message)))
        return new_record, tuple(sends), stays, writes

    def _differs(self, node: Node, name: str, record: Any, first: str,
                 second: str) -> ModelDefinitionError:
        """The error of handler `name` of `node` that gave two results on
        `record` and one input (`Memo`'s `differs`): `first`, then `second`."""
        return ModelDefinitionError(
            f"model {self.name!r}: {type(node).__name__}.{name} gave two results for one "
            f"record and input ({shortened(record)}): {first}, then {second}; a handler and "
            "its choose= must depend on their inputs alone (no random draws, no clock, "
            "nothing kept between calls): the checker runs each once per input and keeps "
            "what it gave")

    def _wrote_nothing(self, role: str, name: str, mark: Handler,
                       result: str) -> ModelDefinitionError:
        """The error of handler `name` declaring writes and returning none:
        `result` is how its result starts, up to the globals."""
        writes = ", ".join(f"{g!r}: new value" for g in mark.writes_globals)
        return ModelDefinitionError(
            f"model {self.name!r}: {role}.{name} declares writes_globals="
            f"{mark.writes_globals!r} but returned no globals; return {result}"
            f"{{{writes}}}), or {{}} as the last item where this step writes none")

    def _outcome(self, node: Node, name: str, record: Any, inputs: tuple,
                 now: int | None = None, seen: tuple | None = None) -> tuple | None:
        if seen is None:
            return self._outcomes[node, name, record, inputs, now]
        return self._outcomes[node, name, record, inputs, now, seen]

    # -- globals -------------------------------------------------------------------------

    def initial_globals(self) -> Any:
        """The globals in the initial state: the record's defaults."""
        return self.globals()

    def globals_of(self, state: tuple) -> Any:
        """The globals record of `state` (for properties)."""
        return state[self._globals_at]

    def _read_globals(self, names: tuple[str, ...], record: Any) -> tuple:
        """The values of the globals `names` (fields, derived) in `record`."""
        derived = self._derived
        return tuple(derived[name](record) if name in derived else getattr(record, name)
                     for name in names)

    def _write(self, key: tuple) -> Any:
        """The globals record `key[0]` with the writes `key[1]` done, interned."""
        record, writes = key
        values = list(record)
        for index, value in writes:
            values[index] = value
        return self._intern(type(record)._make(values))


    # -- the Model interface -----------------------------------------------------------

    def initial_states(self) -> list[tuple]:
        """One state, or one per choice where a node's `initial` or the
        model's `initial_globals` returns a list of records (TLA+'s
        ``pc[i] \\in {"YES", "NO"}`` in Init): every combination, the nodes'
        choices in node order, then the globals', each in the order given."""
        records = [self._initial_choices(node.initial(), f"{type(node).__name__}.initial()")
                   for nodes in self._nodes for node in nodes if node.state is not None]
        budgets = (tuple(getattr(self, name) for name in self._budget_names),) \
            if self._budget_names else ()
        clock = (self.clock.initial(),) if self.clock is not None else ()
        shared: list = [()]
        if self.globals is not None:
            shared = [(record,) for record in self._initial_choices(self.initial_globals(),
                                                                    "initial_globals()")]
            for (record,) in shared:
                if type(record) is not self.globals:
                    raise ModelDefinitionError(
                        f"model {self.name!r}: initial_globals() returned "
                        f"{shortened(record)}; return a {self.globals.__name__} (or a list "
                        "of them, one initial state each)")
        rest = budgets + clock
        given = self.initial_messages()
        nets = [self._initial_network(choice)
                for choice in (given if type(given) is list and given else [given])]
        return [chosen + globals_ + rest + (net,) for chosen in product(*records)
                for globals_ in shared for net in nets]

    def initial_messages(self) -> Any:
        """The messages in flight at the start: a tuple of them (none by
        default), or a list of such tuples, one initial state each (TLA+'s
        ``inbox \\in {...}`` in Init: EWD998Chan's token in the inbox of
        any one node), after the nodes' and the globals' choices."""
        return ()

    def _initial_network(self, messages: Any) -> tuple:
        """The network's initial value with `messages` sent into it, in order."""
        if type(messages) is not tuple or any(type(m) not in self._kind_index
                                              for m in messages):
            raise ModelDefinitionError(
                f"model {self.name!r}: initial_messages() gave {shortened(messages)}; give "
                "a tuple of messages of the model's types (messages = ...), or a list of "
                "such tuples, one initial state each")
        initial = self.network.initial()
        return self.network.send(initial, tuple((self._kind_index[type(m)], m)
                                                for m in messages)) if messages else initial

    def _initial_choices(self, given: Any, call: str) -> list:
        """An initial record `given`, or each of a list of them, interned."""
        if type(given) is not list:
            return [self._intern(given)]
        if not given:
            raise ModelDefinitionError(f"model {self.name!r}: {call} returned an empty list; "
                                       "return a record, or a list of the records a run may "
                                       "start with")
        return [self._intern(record) for record in given]

    def successors(self, state: tuple) -> list[tuple[Any, tuple]]:
        """Each group's planned steps from `state`, in the order of `next`,
        then the network's faults. (An instance runs the same loop compiled
        by `_compile_successors`.)"""
        self._expanded += 1
        steps: list = []
        for group in self._groups:
            if isinstance(group, Deliveries):
                group.expand(state, steps)
                continue
            plan = group.plans[group.key(state)]
            if plan:
                (group.expand if group.writes else self.network.expand)(state, plan, steps)
        for action, new_net in self.network.faults(state[-1]):
            steps.append((action, state[:-1] + (new_net,)))
        if self._restartable:
            self._restarts(state, steps)
        if self.clock is not None:
            steps += self._clock_steps(state)
        return steps

    def _bind_message_properties(self) -> None:
        """Each property of messages (`of_messages`) as a predicate of
        states: the state's component holding them, looked up in a table
        of verdicts (one Python call a state, the engine's)."""
        network = self.network
        for name, prop in self.properties.items():
            kind = getattr(getattr(type(self), name), "__kit_messages__", None)
            if kind is None:
                continue
            if prop.kind == "transition":
                raise ModelDefinitionError(f"model {self.name!r}: {name} is a property of "
                                           "steps, not of the messages in a state; remove "
                                           "@of_messages")
            decide = getattr(self, name)
            verdicts = Memo(partial(_of_component, decide, network.select, kind))
            setattr(self, name, update_wrapper(
                _looked_up(verdicts, network.where(self._kind_index[kind])), decide))

    def _compile_successors(self) -> Callable[[tuple], list]:
        """`successors` unrolled into one function for this instance: each
        group's key read straight off the state (``plans1[state[0],
        state[1], state[2], net[0], net[2]]``), with no call per group but
        the plan's expansion. This function runs for every state."""
        env: dict[str, Any] = {"model": self, "expand": self.network.expand,
                               "faults": self.network.faults,
                               "clock_steps": self._clock_steps}
        lines = ["def successors(state):",
                 "    model._expanded += 1",
                 "    net = state[-1]",
                 "    steps = []"]
        for g, group in enumerate(self._groups):
            if isinstance(group, Deliveries):
                env[f"deliver{g}"] = group.expand
                lines.append(f"    deliver{g}(state, steps)")
                continue
            env[f"plans{g}"], env[f"seen{g}"] = group.plans, group.seen
            expand = "expand"
            if group.writes:  # -- globals: steps that write them (`Group.expand`)
                expand = env[f"expand{g}"] = group.expand
                expand = f"expand{g}"
            lines += [f"    plan = plans{g}[{group.key_source.replace('seen[', f'seen{g}[')}]",
                      "    if plan:",
                      f"        {expand}(state, plan, steps)"]
        if self.network.fault_actions:
            lines += ["    for action, new_net in faults(net):",
                      "        steps.append((action, state[:-1] + (new_net,)))"]
        if self._restartable:
            env["restarts"] = self._restarts
            lines.append("    restarts(state, steps)")
        if self.clock is not None:
            lines.append("    steps += clock_steps(state)")
        lines.append("    return steps")
        exec("\n".join(lines), env)  # noqa: S102 (source built above from numbers only)
        return env["successors"]

    # -- reading a state (for properties) -------------------------------------------------

    def record(self, state: tuple, role: type[Node], node: int) -> Any:
        """The record of node `node` of `role` (a node class) in `state`."""
        return state[self._where(role).start + node]

    def records(self, state: tuple, role: type[Node]) -> tuple:
        """The records of the nodes of `role` (a node class) in `state`, in node order."""
        return state[self._where(role)]

    def _where(self, role: type[Node]) -> slice:
        """Where the records of `role` lie in a state (properties read them in
        every state: found once per role)."""
        found = self._role_slices.get(role)
        if found is None:
            r = next(r for r, cls in enumerate(self._roles) if issubclass(cls, role))
            slots = [self._slot[r, node.id] for node in self._nodes[r]]
            found = self._role_slices[role] = slice(slots[0], slots[-1] + 1)
        return found

    def sent(self, state: tuple, kind: type) -> Any:
        """The messages of type `kind` in the network of `state` (a bag's
        copies and a queue's messages each apart)."""
        return self._read(state[-1], self._kind_index[kind])

    def expression_names(self) -> dict[str, Callable[[tuple], Any]]:
        """For a spec's expression invariants, besides ``view`` and
        ``params``: each role's records by its set's name, in node order
        (``acceptors[0].promised``), and ``messages``, the messages in the
        network by type name (``messages["PromiseMsg"]``)."""
        names = super().expression_names()
        for role in self._roles:
            if role.state is not None:
                names[role.ids.set_name] = lambda state, role=role: self.records(state, role)
        names["messages"] = lambda state: {kind.__name__: tuple(self.sent(state, kind))
                                           for kind in self.messages}
        if self.globals is not None:  # each global by its field's name
            at = self._globals_at
            for i, field in enumerate(self.globals._fields):
                names.setdefault(field, lambda state, i=i: state[at][i])
        return names

    def choices(self) -> dict[str, Any]:
        return {**super().choices(), "network": self._network_choice,
                "partition": self._partition_choice}

    def expression_positions(self, sets: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Derived from the field types: each role's records by its set's
        name list its nodes in order, the messages of a type are listed in
        an order their names decide, and fields typed with a set's ids (at
        any depth) or `indexed_by` it name its elements."""
        from models.kit.records import field_positions, id_sets_of

        found = super().expression_positions(sets)
        kinds = [role.state for role in self._roles if role.state is not None]
        kinds += [self.globals] if self.globals is not None else []
        field_positions(kinds + list(self.messages), sets, found)
        for kind in self.messages:
            named = [name for _, held in id_sets_of(kind).values() for name in held
                     if name in sets]
            if named:
                found["keyed"].setdefault("messages", {})[kind.__name__] = named[0]
        if self.globals is not None:  # a global is read by its name
            for field, (_, named) in id_sets_of(self.globals).items():
                named = [name for name in named if name in sets]
                if named:
                    found["elements"][field] = named[0]
        return found

    def shared_by(self, processes: int) -> None:
        """Memo tables of half the size while several processes run the
        search (`models.kit.memo.share`)."""
        memo.share(processes)

    def run_stats(self) -> dict[str, int]:
        """For reports: `memo_stats`."""
        return self.memo_stats()

    def memo_stats(self) -> dict[str, int]:
        """Look-ups and misses of the memo tables: a group's planned steps
        (one look-up per group per state expanded), a node's planned steps
        (looked up, through `Group.node_steps`, on a group's miss) and
        handler runs (on a node's miss)."""
        groups = [group for group in self._groups if isinstance(group, Group)]
        return {"plan_lookups": self._expanded * len(groups),
                "plan_misses": sum(group.plans.misses for group in groups),
                "node_plan_misses": sum(group.node_plans.misses for group in groups),
                "handler_runs": self._outcomes.misses,
                "restarts": sum(group.plans.restarts + group.parts.restarts
                                + group.node_steps.restarts + group.node_plans.restarts
                                + group.handler_plans.restarts
                                for group in groups) + self._outcomes.restarts}

    # -- symmetry, derived -----------------------------------------------------------------

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """Each symmetric set whole, split where a partition tells nodes apart."""
        return {name: self.partition_classes(name, [list(range(self.set_size(name)))])
                for name in self.symmetry_sets}

    def partition_classes(self, set_name: str, groups: list[list[int]]) -> list[list[int]]:
        """`groups` of the set `set_name` split so that swapping two nodes of
        a group leaves the network's partition as it is."""
        partition = getattr(self.network, "partition", None)
        if partition is None:
            return groups
        split: list[list[int]] = []
        for group in groups:
            classes: list[list[int]] = []
            for i in group:
                for members in classes:
                    if partition.keeps(set_name, members[0], i):
                        members.append(i)
                        break
                else:
                    classes.append([i])
            split += classes
        return split

    def permute(self, state: tuple, perm: Mapping[str, Sequence[int]]) -> tuple:
        return self._layout.permute(state, perm)

    def permute_action(self, action: Any, perm: Mapping[str, Sequence[int]]) -> Any:
        return self._layout.permute_action(action, perm)

    def signatures(self, state: tuple) -> dict[str, tuple[int, ...]]:
        return self._layout.signatures(state)

    def stutters(self, state: tuple) -> bool:
        """Whether a handler is enabled in `state` whose steps the kit does
        not generate: one that changes nothing (sends again what a message
        set holds, or leaves its record as it is) or sends into a full bag
        that is a constraint (``Bag(full="constraint")``). TLC counts such a
        step as a successor, so the state is no deadlock. (A waiting bag's
        full bag is a guard: a state where every step waits for room is a
        deadlock.)"""
        return any(group.enabled(state) for group in self._groups)


def _outcome_text(outcome: tuple | None) -> str:
    """A handler's outcome (`ActorModel._run`) as the handler returned it:
    None, or the new record and the messages sent."""
    if outcome is None:
        return "None"
    return shortened((outcome[0], [message for _, message in outcome[1]]))


def _unhashable(record: Any) -> str:
    """Where `record` holds what cannot be hashed: its first such field and
    the value as Python writes it (a record prints a field by its declared
    type: a list in a field typed frozenset would print as a set)."""
    for field, value in zip(getattr(record, "_fields", ()), record):
        try:
            hash(value)
        except TypeError:
            return f"its field {field} holds the {type(value).__name__} {_plain(value)}"
    return shortened(record)


def _plain(value: Any) -> str:
    """`value` as Python writes it, a record within as a plain tuple."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return shortened(tuple(value))
    return shortened(value)

