"""Nodes and their handlers: what the author of a protocol writes.

A node's behaviour is a set of handlers, methods of a `Node` subclass
marked with what they react to:

- ``@on(Msg1a, Phase1b)``: receiving a message of a type;
- ``@step(Phase2a, choose="values", reads=(Msg1b, Msg2a))``: an internal
  step, once per choice (an element of ``range(model.values)``), reading
  the sets of messages of the given types that this node would receive:
  those for it (their ``dst`` names it), for anyone (no ``dst``) or for a
  node of another set (a ``dst`` naming a client or a cache where the
  reader is a server or the home: `models.kit.network.delivered`); on a
  `MessageSet`, every such message sent so far, as a TLA+ action reads
  ``msgs``.

A message handler may choose too, ``@on(P2a, FastPropose,
choose="values")``: once per message and choice (TLA+'s ``\\E m \\in msgs,
v \\in Values``), its action the node, the message's fields, then the
choice; ``choose=`` a function may then take the message as well, ``(node,
record, message)``.

Either may declare ``sends=`` (the message types its steps send). On a
message set that lets the kit drop, when it plans, a step of an unchanged
record that would only send again what was sent (Paxos.tla's Phase1a(b)
once ``1a(b)`` is out); it changes nothing else.

A handler of a node with a record (``state = AcceptorState``) takes that
record (and the message and its choice, if any, or a step's choice and the
messages it reads) and returns ``(new_record, messages_sent)``, or None
when it is not enabled. A
stateless node (``state = None``, such as Paxos.tla's ballot leaders) takes
no record and returns the messages sent, or None; one that writes globals
returns the messages sent, then what it writes (``([Request(...)],
{"history": ...})``): a client whose calls are all in a global history. ``self.id`` is the node's
number, ``self.model`` the model (its parameters and constants). A handler
reads nothing else, so its result is remembered (`models.kit.memo`) by
(node, record, input): that is where the speed comes from.

Each step is an action record built by the kit: ``Phase1b(a, *message)``
for a message handler (the node, then the message's fields; it prints
with the message's arrow, `models.kit.records.receipt`),
``FastPropose(a, *message, v)`` for one that chooses (printed as any
record), ``Phase2a(b, v)`` for a step with a choice, ``Phase1a(b)``
without one.


A property that reads only the messages of one type is marked
``@of_messages(Msg2b)`` under its ``@invariant`` (or other) mark: it takes
the set of those messages, and its verdict is remembered per set, as a
handler's result is per input.

Mutants are overrides: ``@Model.mutant("name", "what it breaks")`` on a
subclass of a node class (it replaces that role's class) or of the model
(it replaces the model: for deviations outside handlers, such as the
quorum rule). Nothing in the normal path tests for a mutant.

Crashes and restarts, each a handler of a node's record with a budget
(the model's parameter it names bounds how many such steps a run may take,
all nodes together):

- ``@on_restart(Restart, budget="restarts")`` alone: the node crashes and
  comes back in one step (while a node is down its messages wait in the
  network, which is no different from it not being scheduled). The
  handler takes the record and returns the one it restarts with: what its
  stable storage kept.
- ``@on_crash(Crash, budget="crashes")`` with it: the node goes down and
  stays down, taking no step, until it restarts. The crash handler returns
  what survives the crash; the node's record is then `Down` of it (a
  property reading a record may meet one), and the restart handler takes
  that record and returns the one the node restarts with.

Either may read and write globals as other handlers do, returning then its
record and what it writes: a crash that a perfect failure detector reports
at once writes who crashed to a global. (A node without a record neither
crashes nor restarts: refused, naming the handler.)

The model the kit builds from the nodes is `models.kit.model.ActorModel`.
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, ClassVar, NamedTuple

from models.kit.records import Id


@dataclass(frozen=True)
class Handler:
    """What a handler reacts to and the action its steps are."""

    action: type
    takes: type | None = None          # the message type, for a message handler
    choose: str | int | Callable | None = None  # the choices of a step (see `step`, `on`)
    reads: tuple[type, ...] = ()       # message types it reads (a step's, a message handler's)
    sends: tuple[type, ...] = ()       # message types its steps send, if declared
    restart: str | None = None         # model parameter: the budget of a restart handler
    crash: str | None = None           # model parameter: the budget of a crash handler
    timer: str | None = None           # the record field holding a timer's deadline
    reads_globals: tuple[str, ...] = ()   # the model's globals it reads (fields, derived)
    writes_globals: tuple[str, ...] = ()  # the fields of the model's globals it writes

    @cached_property
    def whole(self) -> bool:
        """Whether the action is built from the message alone (``Receive(m)``):
        its one field is typed as the message (or `Any`), and it chooses
        nothing. (Remembered: `typing.get_type_hints` takes 14 µs, and every
        handler result planned asks.)"""
        if self.takes is None or self.choose is not None or len(
                getattr(self.action, "_fields", ())) != 1:
            return False
        hint = typing.get_type_hints(self.action).get(self.action._fields[0])
        return hint is Any or hint is self.takes

    @cached_property
    def values(self) -> int:
        """How many values a choice gives: one, or, for an action of more
        fields after the node's (``Phase2a(bal, rm, val)``) and, for a
        message handler, the message's, a tuple of as many."""
        return max(1, len(getattr(self.action, "_fields", ())) - 1 - self.message_fields)

    @cached_property
    def message_fields(self) -> int:
        """How many fields of the action hold the message's (after the node's)."""
        return len(self.takes._fields) if self.takes is not None else 0

    @cached_property
    def choose_arity(self) -> int | None:
        """The arguments a choice function takes: 2, (node, record), or, for a
        message handler only, 3, (node, record, message); None when
        `choose` is no function or takes neither (`_check_choice` says)."""
        if not callable(self.choose):
            return None
        try:
            parameters = inspect.signature(self.choose).parameters.values()
        except (TypeError, ValueError):
            return 2
        positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY,
                                                          p.POSITIONAL_OR_KEYWORD)
                      and p.name not in self.reads_globals]
        required = sum(p.default is p.empty for p in positional)
        most = 3 if any(p.kind is p.VAR_POSITIONAL for p in parameters) else len(positional)
        if self.takes is not None and required == 3:
            return 3
        return 2 if required <= 2 <= most else None

    @cached_property
    def choose_globals(self) -> tuple[str, ...]:
        """The globals, of those the handler reads, that a choice function
        takes, each as the keyword of its name (``choose=lambda node, s,
        holder: ...``): those it names, or all with ``**kwargs``."""
        if not callable(self.choose) or not self.reads_globals:
            return ()
        try:
            parameters = inspect.signature(self.choose).parameters.values()
        except (TypeError, ValueError):
            return ()
        if any(p.kind is p.VAR_KEYWORD for p in parameters):
            return self.reads_globals
        named = {p.name for p in parameters if p.kind is not p.VAR_POSITIONAL}
        return tuple(g for g in self.reads_globals if g in named)


class Down(NamedTuple):
    """The record of a crashed node: what survived the crash. Read as a
    record (a spec's expressions, properties), it is down (``.down``) and
    has the fields it kept, as state views show it (``s1.down = True``,
    ``s1.term = 2``); a node that is up has ``.down`` false (`mark_up`)."""

    kept: Any

    down = True  # (a class attribute, not a field)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # (pickling, copying: a tuple's own)
            raise AttributeError(name)
        try:
            return getattr(self.kept, name)
        except AttributeError:
            fields = getattr(self.kept, "_fields", ())
            raise AttributeError(f"a crashed node's record has no field {name!r}; it kept "
                                 + (f"{type(self.kept).__name__} ({', '.join(fields)})"
                                    if fields else repr(self.kept))) from None


def mark_up(record_type: type) -> None:
    """Records of `record_type`, a role that crashes, read ``.down`` as
    false (a `Down` record's is true), unless the type has a ``down`` of
    its own."""
    if not hasattr(record_type, "down"):
        record_type.down = False


class Stay(NamedTuple):
    """A message handler's result that leaves the message in the network, to
    be received again (raft.tla's UpdateTerm: "messages is unchanged so m
    can be processed further")."""

    record: Any
    sends: tuple = ()


def on(message: type, action: type, sends: tuple[type, ...] = (),
       reads_globals: tuple[str, ...] | str = (),
       writes_globals: tuple[str, ...] | str = (),
       choose: str | int | Callable | None = None,
       reads: tuple[type, ...] | type = ()) -> Callable:
    """Mark a handler of received messages of type `message`; its steps are
    `action`: the node, then the message's fields, or (an action of one
    field) the message alone, as raft.tla's ``Receive(m)``. `reads_globals`
    and `writes_globals` name the model's globals it reads (each given as a
    keyword argument of that name) and writes (returned as a third item,
    ``{name: new value}``): see `ActorModel.globals`.

    With `choose` (as `step`'s: a parameter's name, an int n for
    ``range(n)``, or a function of ``(node, record)``, here also of
    ``(node, record, message)``), the handler runs once per message and
    choice, ``handler(s, m, v)``: TLA+'s ``\\E m \\in msgs, v \\in S :
    Receive(m, v)``. The action is the node, the message's fields, then the
    choice (a tuple of several values spread over as many fields, given to
    the handler one by one); its result is remembered on (node, record,
    message, choice, globals read), the choices on what the handler's plan
    is (the record and the messages of the type).

    With `reads` (as `step`'s), the handler also takes, after the message
    and the choice, the set of the messages of each type read that this
    node would receive (as `step`'s ``reads``): TLA+'s ``Receive(m)``
    reading ``msgs`` (a leader's handler of a vote reading the other votes
    sent)."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, takes=message, choose=choose,
                                           reads=_types(reads), sends=_types(sends),
                                           reads_globals=_names(reads_globals),
                                           writes_globals=_names(writes_globals))
        return function
    return mark


def step(action: type, choose: str | int | Callable | None = None,
         reads: tuple[type, ...] | type = (),
         sends: tuple[type, ...] | type = (), reads_globals: tuple[str, ...] | str = (),
         writes_globals: tuple[str, ...] | str = ()) -> Callable:
    """Mark an internal step, once per element of the model's `choose` (an
    int n means ``range(n)``), or of ``choose(node, record)`` when it is a
    function (the peers a candidate may ask), reading the messages of types
    `reads` and the globals `reads_globals`, writing `writes_globals` (as
    `on`). The action's fields are the node's, then the choice's: a
    choice of several values (``\\E r, v : Phase2a(b, r, v)``) is a tuple of
    them, given to the handler one by one. A literal int n is ``range(n)``.
    None is a choice as any other (``choose=lambda node, s: [None, *peers]``
    for a field typed ``Server | None``: a backup, or nobody).

    A choice function may read globals the handler reads: it takes each it
    names as the keyword of that name (``choose=lambda node, s, holder:
    ...`` with ``reads_globals="holder"``: the holder of a baton chooses
    whom to pass it to), so the choices are remembered on those values with
    the handler's result."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, choose=choose, reads=_types(reads),
                                           sends=_types(sends),
                                           reads_globals=_names(reads_globals),
                                           writes_globals=_names(writes_globals))
        return function
    return mark


def on_restart(action: type, budget: str, reads_globals: tuple[str, ...] | str = (),
               writes_globals: tuple[str, ...] | str = ()) -> Callable:
    """Mark the handler of the node crashing and restarting in one step:
    record in, the record it restarts with out (never None: a restart takes
    no guard). The model's parameter `budget` bounds the restarts of a run;
    each step is ``action(node)``.
    It may read and write globals as `on` does, returning then the record
    and what it writes."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, restart=budget,
                                           reads_globals=_names(reads_globals),
                                           writes_globals=_names(writes_globals))
        return function
    return mark


def on_crash(action: type, budget: str, reads_globals: tuple[str, ...] | str = (),
             writes_globals: tuple[str, ...] | str = ()) -> Callable:
    """Mark the handler of the node crashing: record in, what survives the
    crash out (any value: None where nothing does; a crash takes no guard,
    its budget alone bounds it); the node is down until its `on_restart`
    handler runs (given what survived), or for
    good where it has none (crash-stop, as fail-stop protocols assume). The
    model's parameter `budget` bounds the crashes of a run; each step is
    ``action(node)``. It may read and write globals as `on` does, returning
    then what survives and what it writes (``s, {"failed": failed | {self.id}}``:
    a perfect failure detector, which the model thus assumes in so many
    words)."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, crash=budget,
                                           reads_globals=_names(reads_globals),
                                           writes_globals=_names(writes_globals))
        return function
    return mark


def of_messages(kind: type) -> Callable:
    """Mark a property (an invariant, a state to reach, a temporal one) as
    one of the messages of type `kind` in the network: the method takes
    the set of them (as a handler that reads them does) in place of the
    state, and its verdict is remembered per set, shared by the many states
    that hold it (Paxos's Agreement reads only the 2b messages). The model
    still takes it as a predicate of states (`ActorModel`)."""
    def mark(function: Callable) -> Callable:
        function.__kit_messages__ = kind
        return function
    return mark


def _types(kinds: tuple[type, ...] | type) -> tuple[type, ...]:
    return (kinds,) if isinstance(kinds, type) else tuple(kinds)


def _names(names: tuple[str, ...] | str) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


class Node:
    """One node of a role: its handlers (see the module docstring)."""

    ids: ClassVar[type[Id]]
    state: ClassVar[type | None] = None
    #: how many nodes the role has; None: the model's parameter named as
    #: the id type's set (``acceptors``)
    count: ClassVar[int | None] = None
    #: the id type of the members this node runs, if it runs several as one
    #: (raft-kv's clients share one history, so one node runs them all): a
    #: message whose receiver is one of them is this node's, and a
    #: partition names them one by one (`member_name`)
    runs: ClassVar[type[Id] | None] = None

    def __init__(self, model: Any, id: int):
        self.model = model
        self.id = id

    def initial(self) -> Any:
        """The node's record in the initial state: the record's defaults."""
        return self.state() if self.state is not None else None

    @classmethod
    def handlers(cls) -> dict[str, Handler]:
        """The handlers by method name, in definition order (a subclass
        overriding a handler keeps its place, and its mark unless it marks
        the override: a mutant reading fewer globals declares so)."""
        found: dict[str, Handler] = {}
        for klass in reversed(cls.__mro__):
            for name, attribute in vars(klass).items():
                mark = getattr(attribute, "__kit_handler__", None)
                if mark is not None:
                    found[name] = mark
        return found

    @property
    def name(self) -> str:
        return f"{self.ids.prefix}{self.id + self.ids.first}"

    def member_name(self, i: int) -> str:
        """How reports name member `i` of the set this node runs."""
        return f"{self.runs.prefix}{i + self.runs.first}"
