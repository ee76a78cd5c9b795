"""The model interface: what a protocol gives the engine.

A model is a plain Python object. The engine asks it for its initial states
and, for any state, its enabled steps as ``(action, next_state)`` pairs in a
deterministic order. States are immutable and hashable (tuples, frozensets,
named tuples and frozen dataclasses of those); actions are named tuples such
as ``Timeout(server=2)``, which print well and compare by value.

A model subclass declares, as class attributes:

- ``name``: the registry name used in specs (``paxos``),
- ``summary``: one line for ``cmc list``,
- ``params``: its parameters (`Param`), each with a default and a meaning,
- ``mutants``: named, deliberately broken variants and what each breaks
  (or, one way for a mutant that overrides a step, a subclass declared with
  ``@Model.mutant(name, description)``, which ``mutant=name`` builds),
- ``actions``: its action types (so an action that never fires is reported;
  an instance whose parameters turn some off sets ``self.actions`` in `setup`),
- ``symmetry_sets``: the names of its interchangeable sets (``servers``),
- ``takes_init``: whether it can start from a spec's ``init:`` block (a
  model that cannot refuses one rather than ignore it),

and its properties as decorated methods (see `checker.properties`).

The constructor takes ``mutant=``, ``init=`` and the parameters by name; it
sets each parameter as an attribute and calls `setup`, where a model derives
its constants and rejects impossible values with `ParamError`.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Hashable, Iterable, Mapping, Sequence

from checker.errors import (ModelDefinitionError, ParamError, mutated_state, not_a_step,
                            raised_in_model)
from checker.properties import Property

State = Hashable
Action = tuple  # a NamedTuple subclass: its type name is the action's name


@dataclass(frozen=True)
class Param:
    """One model parameter: its name, default and meaning.

    `schema` is the JSON Schema its value must satisfy; the default schema
    is of the default's type: a boolean, a string, or a number (an integer
    for an int default) within ``[minimum, maximum]``.
    """

    name: str
    default: Any
    help: str
    minimum: int | None = None
    maximum: int | None = None
    schema: Mapping[str, Any] | None = None

    def json_schema(self) -> dict[str, Any]:
        if self.schema is not None:
            return dict(self.schema)
        if isinstance(self.default, (bool, str)):
            return {"type": "boolean" if isinstance(self.default, bool) else "string"}
        schema: dict[str, Any] = {"type": "number" if isinstance(self.default, float)
                                  else "integer"}
        if self.default is None:  # an optional number: "none" unless given
            schema["type"] = [schema["type"], "null"]
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema


#: (subclass of a model, mutant class of that model) -> the subclass mutated
_MUTATED: dict[tuple[type, type], type] = {}


def _mutated(model: type, variant: type) -> type:
    """`model`, a subclass of the model that declared mutant `variant`,
    with the variant's overrides on top: ``class V(variant, model)``, whose
    overrides call the subclass's through ``super()``. Built once."""
    key = (model, variant)
    if key not in _MUTATED:
        _MUTATED[key] = type(variant.__name__, (variant, model),
                             {"__module__": variant.__module__,
                              "__qualname__": variant.__qualname__,
                              "__doc__": variant.__doc__})
    return _MUTATED[key]


# -- what a step does, for message sequence charts (see Model.step_events) ------


@dataclass(frozen=True)
class Sent:
    """Node `src` sends `message` (its printed form) to node `dst`; with
    `or_to`, to whichever one of `dst` and those nodes takes it (a message
    that names no receiver, on a network where a receipt takes it away).
    A message every node may receive (a message set's) is a Sent to each."""

    src: str
    dst: str
    message: str
    or_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Received:
    """Node `dst` receives (acts on) `message`, which `src` sent; `src` None
    where the message does not say who sent it (Paxos.tla's 2a messages): a
    chart then draws it from the node whose step sent it."""

    src: str | None
    dst: str
    message: str


@dataclass(frozen=True)
class Note:
    """Something a step does at one node without a message: a timeout, a
    crash, becoming leader, a vote recorded. With an empty text it only says
    where a step that sends and receives nothing happens."""

    node: str
    text: str


StepEvent = Sent | Received | Note


class Model:
    """Base class of every protocol model. See the module docstring."""

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    mutants: ClassVar[Mapping[str, str]] = {}
    actions: ClassVar[tuple[type, ...]] = ()
    symmetry_sets: ClassVar[tuple[str, ...]] = ()
    #: `permute` and `permute_action` are derived from the model's types
    #: (the kit, `models.kit.Symmetric`), not written by hand: a renaming
    #: that does not commute with the steps then says that the sets
    #: declared are not interchangeable in the model
    symmetry_derived: ClassVar[bool] = False
    takes_init: ClassVar[bool] = False
    #: Whether a state stands for a class of the protocol's states (terms
    #: or ballots renumbered by their order): a step from a state to itself
    #: may then be a real step, where otherwise it is stuttering, no step
    #: of its action for fairness (`checker.liveness`).
    quotient: bool = False
    #: Filled from the decorated methods, in the order they are defined.
    properties: ClassVar[Mapping[str, Property]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, Property] = {}
        for klass in reversed(cls.__mro__):
            for attribute in vars(klass).values():
                prop = getattr(attribute, "__checker_property__", None)
                if prop is not None:
                    found[prop.name] = prop
        cls.properties = found
        for param in getattr(cls, "params", ()):
            # a parameter is set on the instance, where it would hide a method
            # the engine or the reports call (`nodes` excepted: reports read
            # it from the class, and a parameter of that name is common)
            if param.name != "nodes" and callable(getattr(cls, param.name, None)):
                raise ModelDefinitionError(
                    f"{cls.name or cls.__name__}: the parameter {param.name!r} has the name "
                    f"of the model's method {param.name}(), which it would hide; rename "
                    "the parameter")

    #: mutant name -> the subclass that is that mutant (`Model.mutant`)
    _mutant_classes: ClassVar[Mapping[str, type]] = {}

    @classmethod
    def mutant(cls, name: str, description: str) -> Callable[[type], type]:
        """Declare the decorated subclass as mutant `name`, `description`
        saying what it breaks: ``Model(mutant=name)`` builds the subclass,
        whose override of one step is the deviation (nothing in the model's
        own steps tests for it)."""
        def declare(variant: type) -> type:
            if not (isinstance(variant, type) and issubclass(variant, cls)) or variant is cls:
                raise ModelDefinitionError(
                    f"mutant {name!r} of {cls.name or cls.__name__!r}: "
                    f"{getattr(variant, '__name__', variant)!s} must be a subclass of "
                    f"{cls.__name__}")
            for table in ("mutants", "_mutant_classes"):  # the class's own, not a base's
                if table not in vars(cls):
                    setattr(cls, table, dict(getattr(cls, table)))
            cls.mutants[name] = description  # type: ignore[index]
            cls._mutant_classes[name] = variant  # type: ignore[index]
            return variant
        return declare

    @classmethod
    def mutant_class(cls, mutant: str | None) -> type["Model"]:
        """The class whose actions mutant `mutant` takes (a spec's fairness
        names them): the mutant's where it is a subclass of the model, which
        may declare actions of its own, else this class."""
        variant = cls._mutant_classes.get(mutant) if mutant is not None else None
        return variant if isinstance(variant, type) and issubclass(variant, Model) else cls

    def __new__(cls, *args: Any, mutant: str | None = None, **kwargs: Any) -> "Model":
        variant = cls._mutant_classes.get(mutant) if mutant is not None else None
        # (a kit model's mutant may be one of its node classes, which it builds itself)
        if variant is None or not issubclass(variant, Model) or issubclass(cls, variant):
            return super().__new__(cls)
        if issubclass(variant, cls):
            return super().__new__(variant)
        # cls is a subclass of the model that declared the mutant (a bound
        # of its own, as BoundedBakery's): the mutant's override on top of it
        return super().__new__(_mutated(cls, variant))

    def __init__(self, *, mutant: str | None = None,
                 init: Mapping[str, Any] | None = None, **params: Any):
        known = {param.name for param in self.params}
        for name in params:
            if name not in known:
                raise ParamError(f"params.{name}", f"{self.name} has no parameter "
                                 f"{name!r}; it takes {', '.join(sorted(known)) or 'none'}")
        for param in self.params:
            setattr(self, param.name, params.get(param.name, param.default))
        if mutant is not None and mutant not in self.mutants:
            raise ParamError("mutant", f"{self.name} has no mutant {mutant!r}; "
                             f"it has {', '.join(self.mutants) or 'none'}")
        self.mutant = mutant
        if init is not None and not self.takes_init:
            raise ParamError("init", f"{self.name} takes no init: block (it always starts "
                             "from its own initial state); remove init:")
        self.init = init
        self.setup()

    # -- what a model must provide -------------------------------------------

    def setup(self) -> None:
        """Derive constants from the parameters; raise `ParamError` for
        impossible values. Called once by the constructor. A default that
        stands for a value derived from others (a quorum size of 0 meaning
        a majority) is best replaced here by that value (``self.quorum =
        ...``): `parameters`, ``cmc show`` and the reports then give it."""

    def initial_states(self) -> Iterable[State]:
        """The initial states, in a deterministic order."""
        raise NotImplementedError(f"{type(self).__name__}.initial_states")

    def successors(self, state: State) -> Iterable[tuple[Action, State]]:
        """Every enabled step from `state` as ``(action, next_state)``, in a
        deterministic order (the engine replays traces by step number)."""
        raise NotImplementedError(f"{type(self).__name__}.successors")

    # -- optional ------------------------------------------------------------

    def check_sound(self) -> None:
        """Reject a configuration that cannot be safe, such as a quorum rule
        two of whose quorums share no node, with `ParamError` naming the
        culprits (the disjoint pair). The spec loader calls it unless the
        spec expects a violation (``expect: {verdict: violated}``): that is
        how a spec demonstrates split brain, and nowhere else is such a rule
        allowed. The constructor does not call it, so a test or a mutant can
        build the unsound model directly. The default accepts everything."""

    def within_bounds(self, state: State) -> bool:
        """The state constraint, as TLC's CONSTRAINT: a state outside it is
        checked against the invariants but neither counted nor expanded.
        The engine calls it only when a model overrides it."""
        return True

    def bound_reason(self, state: State) -> str | None:
        """Which bound of this instance ends a run at `state`, in the words
        of a report ("every ballot 0..1 has begun (ballots = 2)"): for a
        state with no successor, the finite parameter that ran out; for a
        state outside `within_bounds`, the bound it passes. None (the
        default): the model knows of none, and a state with no successor
        is a deadlock (unless the spec says ``deadlock: false``). Reports
        and the deadlock check only (a liveness lasso that stalls in a
        state with a step, an unfair one, is not excused by it: a bound
        liveness should see is `within_bounds`); it must not claim a bound
        that a larger instance would not lift."""
        return None

    def view(self, state: State) -> State:
        """TLC's VIEW: the part of `state` that makes it the state it is.
        Two states with equal views are one state: the first reached is
        kept and explored, the other is not (so a step to it is a step to
        the kept state). Return the state with what is left out (a history
        or a counter variable) replaced by a fixed value, e.g.
        ``state._replace(election_count=0)``: the view is a state of the
        model, so that it is fingerprinted, and under symmetry renamed
        (`permute`, `signatures`) as a state is. With symmetry two states
        are then one when some renaming maps one's view onto the other's
        (the least fingerprint over the permutations of the view, as
        tlaplus/tlaplus#1369 has TLC compute it; TLC 2.15 takes the view of
        the least permutation of the whole state, which can count an orbit
        of views twice where what the view leaves out names elements: 78
        for 77 on Zab.tla, tests/models/test_user_zab.py); the
        view must commute with renaming (``view(permute(s, p)) ==
        permute(view(s), p)``), which the engine samples. A state outside
        the bounds (`within_bounds`) is itself, one with no other state, as
        TLC fingerprints only the states within its constraint. Properties
        should read only what the view keeps (a state merged into one
        reached before is not checked). Counterexamples stay real runs of
        real states, and shortest among those the search keeps. Not for
        temporal properties: a loop among views need not be a loop of real
        states, and the engine refuses them. The default (no override) is
        the whole state."""
        return state

    def stutters(self, state: State) -> bool:
        """For a state `successors` gives no step: whether an action is
        enabled in it all the same, with steps the model leaves out because
        they change nothing. TLA+ counts a step that changes nothing as a
        step, so TLC reports no deadlock in such a state, and neither does
        the checker. False (the default): a state with no step has no
        action enabled."""
        return False

    # -- symmetry (see checker.symmetry) ------------------------------------------

    def symmetry_groups(self) -> Mapping[str, Sequence[Sequence[int]]]:
        """For each symmetric set of this instance, its elements split into
        groups of interchangeable ones, e.g. ``{"servers": [[0, 1, 2]]}``;
        an element a scenario names stands alone: ``[[0], [1, 2]]``. Every
        element appears in exactly one group."""
        return {}

    def permute(self, state: State, perm: Mapping[str, Sequence[int]]) -> State:
        """`state` with every element ``e`` of each set ``S`` in `perm`
        renamed ``perm[S][e]`` (sets not in `perm` unchanged)."""
        raise NotImplementedError(f"{type(self).__name__}.permute")

    def permute_action(self, action: Action, perm: Mapping[str, Sequence[int]]) -> Action:
        """`action` with its parameters renamed as `permute` renames states."""
        raise NotImplementedError(f"{type(self).__name__}.permute_action")

    def signatures(self, state: State) -> Mapping[str, Sequence[Any]]:
        """Optional, for speed: for each symmetric set, a comparable summary
        of each element that does not depend on the names of elements (a
        Raft server's term, role and log length). Renaming must carry
        summaries along: ``signatures(permute(s, p))[S][p[S][e]] ==
        signatures(s)[S][e]``. The engine then tries only the permutations
        that sort elements by summary."""
        raise NotImplementedError(f"{type(self).__name__}.signatures")

    def parameters(self) -> dict[str, Any]:
        """The resolved parameter values of this instance."""
        return {param.name: getattr(self, param.name) for param in self.params}

    def state_view(self, state: State) -> dict[str, Any]:
        """The state as named, JSON-ready fields, for reports and diffs.

        The default lists the fields of a named tuple or dataclass state;
        models override it to name per-node fields (``s1.current_term``).
        """
        if dataclasses.is_dataclass(state):
            fields = {f.name: getattr(state, f.name) for f in dataclasses.fields(state)}
        elif hasattr(state, "_asdict"):
            fields = state._asdict()
        else:
            return {"state": jsonable(state)}
        return {name: jsonable(value) for name, value in fields.items()}

    def action_view(self, action: Action) -> dict[str, Any]:
        """The action's fields by name, JSON-ready, for reports (a JSON
        report's ``args``, a state graph's edges). The default gives each
        value as `jsonable` does (`action_args`); the kit names ids and
        values as the action's text prints them (``{"i": "s1"}`` for
        ``Timeout(i=s1)``)."""
        return action_args(action)

    def choices(self) -> dict[str, Any]:
        """What this instance was built with besides its parameters and
        mutant, for a checkpoint to name (one taken with other choices is
        not resumed): the spec's `init` block and the model's code (a digest
        of the source files of its classes: an edited model is another
        model); the kit adds the network and partition chosen."""
        constraints = {c.name: c.source for c in getattr(self, "spec_constraints", ())}
        return {"init": self.init, "code": _code_digest(type(self)),
                **({"constraints": constraints} if constraints else {})}

    def expression_names(self) -> dict[str, Callable[[State], Any]]:
        """The names a spec's expression invariants read (`checker.expressions`),
        each with how to compute it from a state: ``view``, the state as
        `state_view` shows it, and ``params``, the parameters. Models add
        their own (the kit adds each role's records and the messages)."""
        params = self.parameters()
        return {"view": self.state_view, "params": lambda state: params}

    def expression_positions(self, sets: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Where a spec's expression can tell apart the elements of the
        symmetric `sets`, each with the set it is about, so that the engine
        refuses such an expression under symmetry (`checker.expressions`):
        ``sequences``, the names of `expression_names` whose values list
        elements in order; ``keyed``, names whose values, by key, are such
        lists (the set by key); ``indexed``, record fields with one entry per element, in
        order; ``ids``, record fields holding elements; ``sets``, those of
        them that hold a set of elements (which ``<=`` may compare, as
        renaming keeps inclusion); ``elements``, names of
        `expression_names` whose values hold elements (a global
        ``leader``); ``naming``, names
        whose values name elements (``view``: ``a0.promised``), which such
        an expression may not read at all. The default: the sets' own
        names, where offered, and ``view``; the kit knows its records'
        fields."""
        offered = self.expression_names()
        return {"sequences": {name: name for name in sets if name in offered},
                "keyed": {}, "indexed": {}, "ids": {}, "sets": {}, "elements": {},
                "naming": {"view": sets[0]} if sets and "view" in offered else {}}

    def shared_by(self, processes: int) -> None:
        """The search now runs in `processes` processes (1: in this one
        again), each with its own copy of this model: a model that keeps
        caches may keep each smaller, as the copies together hold more
        than one (a kit model halves its memo tables). Called in each
        process; the default does nothing."""

    def run_stats(self) -> Mapping[str, int]:
        """Figures of the model's own about the run so far, by name, for
        reports (a kit model: its memo tables' look-ups and misses, see
        `models.kit.model.ActorModel.memo_stats`). The default has none."""
        return {}

    def nodes(self) -> Sequence[str]:
        """The names of this instance's nodes as reports print them, in
        order (``s1``, ``s2``, ...). Reports only: a sequence chart draws
        its lifelines in this order, and draws one for every node that the
        explanation of a property names, even one that takes no step. The
        default names none: lifelines come in the order nodes first act."""
        return ()

    def step_events(self, state: State, action: Action,
                    next_state: State) -> Sequence[StepEvent]:
        """What the step ``state --action--> next_state`` does, for message
        sequence charts: the messages it receives and sends (`Received`,
        `Sent`) and its local events (`Note`), in that order, naming nodes
        as the model prints them (``s1``, ``a2``). A message is named the
        same way when sent and when received, so a chart can join the two.
        One `Sent` per recipient: a broadcast to three acceptors is three.

        Reports only: the engine never calls it. The default derives nothing
        (a state diff cannot tell who sent a message or whether a network
        fault moved it), and charts then show each step as a note."""
        return ()


def _code_digest(kind: type) -> str:
    """A digest of the code a check of model `kind` runs: the source files
    that define it and its bases, those of every module they take names
    from that is neither the standard library's nor an installed package's
    (a user's helpers beside the model, `models/quorum.py`), and every
    source file of cmc (`checker`, `models`, `reports`, `cmc`): the engine's
    and the kit's code decides what a step is and what a search explores,
    and a model's properties may call the reports' (raft-kv's timeline);
    whole packages, so that the digest does not depend on which of their
    modules this process happens to have imported. A checkpoint
    of a check whose digest differs is refused: resumed, it could end in a
    result neither the old code nor the new gives."""
    import hashlib
    import importlib
    import inspect
    import sysconfig

    installed = {os.path.realpath(sysconfig.get_paths()[name])
                 for name in ("stdlib", "platstdlib", "purelib", "platlib")}

    def own(path: str | None) -> str | None:
        """`path`, made real, where it is code of the project or a user's."""
        if not path or not path.endswith(".py"):
            return None
        real = os.path.realpath(path)
        return None if any(real.startswith(root + os.sep) for root in installed) else real

    files: set[str] = set()
    for package in ("checker", "models", "reports", "cmc"):
        root = os.path.dirname(importlib.import_module(package).__file__ or "")
        for folder, _, names in os.walk(root):
            files.update(os.path.realpath(os.path.join(folder, name)) for name in names
                         if name.endswith(".py"))
    # the modules defining the model's classes, and those they import or
    # take names from, in turn (a user's model may import its helpers)
    pending = [sys.modules.get(base.__module__) for base in kind.__mro__]
    met: set[str] = set()
    while pending:
        module = pending.pop()
        path = own(getattr(module, "__file__", None))
        if path is None or path in met:
            continue
        met.add(path)
        names = [getattr(value, "__name__", "") if inspect.ismodule(value)
                 else getattr(value, "__module__", None) or ""
                 for value in list(vars(module).values())]
        pending += [sys.modules.get(name) for name in names + _imported(path)
                    if name != module.__name__]
    files |= met
    digest = hashlib.sha256()
    # (by content alone: the project moved elsewhere is the same code)
    for part in sorted(_file_digest(path) for path in files):
        digest.update(part)
    return digest.hexdigest()[:16]


def _imported(path: str) -> list[str]:
    """The names of the modules the source at `path` imports, as it names
    them (``from limits import FORBIDDEN`` takes a value, which says
    nothing of where it came from)."""
    import ast

    try:
        found = os.stat(path)
        stamp = (found.st_mtime_ns, found.st_size)
        known = _IMPORTS.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        with open(path, "rb") as source:
            tree = ast.parse(source.read())
    except (OSError, SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    _IMPORTS[path] = (stamp, names)
    return names


#: What `_imported` and `_file_digest` found of a file, by its path, with the
#: file's time of change and size then.
_IMPORTS: dict[str, tuple[tuple[int, int], list[str]]] = {}
_FILE_DIGESTS: dict[str, tuple[tuple[int, int], bytes]] = {}


def _file_digest(path: str) -> bytes:
    """The sha256 of the file at `path` (b"" where it cannot be read),
    remembered while its size and time of change stay."""
    import hashlib

    try:
        found = os.stat(path)
        stamp = (found.st_mtime_ns, found.st_size)
        known = _FILE_DIGESTS.get(path)
        if known is None or known[0] != stamp:
            with open(path, "rb") as source:
                known = _FILE_DIGESTS[path] = (stamp, hashlib.sha256(source.read()).digest())
        return known[1]
    except OSError:
        return b""


def checked_steps(model: Model, state: State) -> list:
    """`model`'s steps from `state`, one state by hand (a replay, the
    explorer), checked as a search checks them: pairs, the state left as it
    was; what the model's code raises is its one-line error, but for an
    `AssertionError` (the model's assert), which the caller reports."""
    before = hash(state)
    try:
        steps = list(model.successors(state))
    except AssertionError:
        raise
    except (Exception, SystemExit) as error:
        raise raised_in_model(model.name, "successors()", error) from None
    if hash(state) != before:
        raise mutated_state(model.name)
    for step in steps:
        if type(step) is not tuple or len(step) != 2:
            raise not_a_step(model.name, step)
    return steps


def recorded_view(model: Model, state: State) -> dict:
    """`state`'s view as a JSON report records it (tuples are lists), for
    a run taken again against a recorded one (a replay, a log); a view no
    report could hold is returned as it is (it matches none)."""
    import json

    try:
        view = model.state_view(state)
    except (Exception, SystemExit) as error:
        raise raised_in_model(model.name, "state_view()", error) from None
    try:
        return json.loads(json.dumps(view, allow_nan=False))
    except (TypeError, ValueError):
        return view


def has_bounds(model: Model) -> bool:
    """Whether the model overrides `within_bounds` (has a state constraint),
    or a spec bounds it (`checker.expressions.constrain`)."""
    return (type(model).within_bounds is not Model.within_bounds
            or "within_bounds" in vars(model))


def has_view(model: Model) -> bool:
    """Whether the model overrides `view` (states are one by their view)."""
    return type(model).view is not Model.view


def action_name(action: Action) -> str:
    return type(action).__name__


def action_args(action: Action) -> dict[str, Any]:
    as_dict = getattr(action, "_asdict", None)
    return {k: jsonable(v) for k, v in as_dict().items()} if as_dict else {}


def action_text(action: Action) -> str:
    """`action` as every report, trace and message prints it: as its type
    prints it where the type writes its own text (a kit record's, by field
    name; ``Timeout(i=s1)``), else a named tuple as `record_text` prints it,
    None as ``none`` (``E2(p=1, i=none)``), as a kit model's record with
    nothing named prints; a run written with ``i=None`` is still read
    (`checker.replay.comparable`)."""
    return record_text(action) if _prints_as_named_tuple(action) else str(action)


def record_text(record: Any) -> str:
    """A named tuple as it prints, but a field holding None as ``none``, and
    a record within one likewise: ``Tick(now=1, lagging=none)`` (the kit's
    text of a record with nothing named; `models.kit.records.show`)."""
    return f"{type(record).__name__}(" + ", ".join(
        f"{field}={_value_text(value)}" for field, value in zip(record._fields, record)) + ")"


def _value_text(value: Any) -> str:
    if value is None:
        return "none"
    return record_text(value) if _prints_as_named_tuple(value) else repr(value)


def _prints_as_named_tuple(value: Any) -> bool:
    """Whether `value` is a named tuple whose type writes no text of its own."""
    kind = type(value)
    return (isinstance(value, tuple) and hasattr(kind, "_fields") and kind.__str__ is object.__str__
            and getattr(kind.__repr__, "__code__", None) is _NAMED_TUPLE_REPR)


_NAMED_TUPLE_REPR = collections.namedtuple("Plain", "field").__repr__.__code__


class SetView(list):
    """A set's image in a state view: a sorted list to JSON (a subclass of
    list), ``{a, b}`` to the text report, which would otherwise print a set
    of pairs as a list of lists."""

    __slots__ = ()


class BagView(list):
    """A bag's image in a state view (messages in flight, copies counted):
    a list to JSON and to a full state in the text report, ``m ×2`` for two
    copies of m (from a mapping of each message's printed form to its
    copies; from printed forms, as they are), and `copies`, those counts,
    from which a report shows a step's change as the copies that left and
    came (``+ m (now ×2)``), never by position (a bag has none)."""

    __slots__ = ("copies",)

    def __init__(self, items: Mapping[str, int] | Iterable[str] = ()):
        if isinstance(items, Mapping):
            super().__init__(sorted(message + (f" ×{copies}" if copies > 1 else "")
                                    for message, copies in items.items()))
            self.copies = dict(items)
        else:
            super().__init__(items)
            self.copies = dict(Counter(self))


class QueueView(list):
    """FIFO queues' image in a state view: a list of one line per queue
    that holds messages, ``s1→s2: m1, m2``, sorted (to JSON and to a full
    state in the text report), and `queues`, each queue's messages by its
    name, oldest first, from which a report shows a step's change to a
    queue as the messages that left its head and joined its tail (a diff
    by position would show one queue's line turning into another's)."""

    __slots__ = ("queues",)

    def __init__(self, queues: Mapping[str, Sequence[str]]):
        super().__init__(sorted(f"{name}: {', '.join(messages)}"
                                for name, messages in queues.items()))
        self.queues = {name: tuple(messages) for name, messages in queues.items()}


def jsonable(value: Any) -> Any:
    """A JSON-ready image of a state component.

    Tuples become lists, sets become sorted lists (`SetView`), records nested
    inside collections (messages, log entries) become their printed form.
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "_asdict") or dataclasses.is_dataclass(value):
        return str(value)
    if isinstance(value, (frozenset, set)):
        items = [jsonable(item) for item in value]
        return SetView(sorted(items, key=lambda item: (type(item).__name__, repr(item))))
    if isinstance(value, (tuple, list)):
        return [jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    return str(value)
