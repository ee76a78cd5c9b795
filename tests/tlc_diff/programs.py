"""Random guarded-command programs for differential testing against TLC.

`program(seed)` draws a small program: 2 to 4 integer variables, 2 to 5
actions (a guard and an update; some with a parameter ``k`` in 0..2, some
leaving variables unchanged, some changing nothing at all), one or more
initial states, perhaps a state constraint (and variables that grow without
it), invariants, perhaps the deadlock check, and for some seeds temporal
properties under weak and strong fairness. It is rendered two ways:

- `tla_module` and `tla_config`: a TLA+ module and one TLC configuration per
  check (`checks`), for `run_tlc.py`;
- `cmc_model` and `cmc_spec`: a plain `checker.Model` in a file of its own and
  a spec file naming it, written as a user would write them (invariants,
  the constraint and the temporal properties as the spec's expressions over
  ``view``; every third seed the model's own decorated properties, and for
  some the constraint as the model's `within_bounds`).

A check is one TLC run: the state space (no property), one invariant, the
deadlock check, or one temporal property under the program's fairness (a
``[](P => []Q)`` also without it: `Program.checks`).
Seeds 0-999 draw every feature, 1000-1999 mostly temporal properties,
2000-2999 mostly safety and deadlock, 3000-3999 temporal properties among
which ``[](P => []Q)`` (``once_always``) most often (`profile`); 90001 and up
are written by hand, one corner of the semantics each (`HANDWRITTEN`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import product
from typing import Callable

VARIABLES = ("x", "y", "z", "w")
PARAMETER = "k"
PARAMETER_VALUES = 3  # \E k \in 0..2


# -- expressions ---------------------------------------------------------------


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Const:
    value: int


@dataclass(frozen=True)
class Param:
    """The action's parameter ``k``."""


@dataclass(frozen=True)
class Add:
    left: object
    right: object


@dataclass(frozen=True)
class Mod:
    expr: object
    modulus: int


@dataclass(frozen=True)
class Cmp:
    op: str  # one of TLA_OPS
    left: object
    right: object


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: object


TLA_OPS = {"=": "=", "#": "#", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
PY_OPS = {"=": "==", "#": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def tla(e) -> str:
    """`e` in TLA+."""
    if isinstance(e, Var):
        return e.name
    if isinstance(e, Const):
        return str(e.value)
    if isinstance(e, Param):
        return PARAMETER
    if isinstance(e, Add):
        return f"({tla(e.left)} + {tla(e.right)})"
    if isinstance(e, Mod):
        return f"({tla(e.expr)} % {e.modulus})"
    if isinstance(e, Cmp):
        return f"({tla(e.left)} {TLA_OPS[e.op]} {tla(e.right)})"
    if isinstance(e, And):
        return "(" + " /\\ ".join(tla(p) for p in e.parts) + ")"
    if isinstance(e, Or):
        return "(" + " \\/ ".join(tla(p) for p in e.parts) + ")"
    if isinstance(e, Not):
        return f"~{tla(e.part)}"
    raise TypeError(e)


def py(e, read) -> str:
    """`e` in Python, variable `v` read as ``read(v)`` (``s.x``, ``view['x']``)."""
    if isinstance(e, Var):
        return read(e.name)
    if isinstance(e, Const):
        return str(e.value)
    if isinstance(e, Param):
        return PARAMETER
    if isinstance(e, Add):
        return f"({py(e.left, read)} + {py(e.right, read)})"
    if isinstance(e, Mod):
        return f"({py(e.expr, read)} % {e.modulus})"
    if isinstance(e, Cmp):
        return f"({py(e.left, read)} {PY_OPS[e.op]} {py(e.right, read)})"
    if isinstance(e, And):
        return "(" + " and ".join(py(p, read) for p in e.parts) + ")"
    if isinstance(e, Or):
        return "(" + " or ".join(py(p, read) for p in e.parts) + ")"
    if isinstance(e, Not):
        return f"(not {py(e.part, read)})"
    raise TypeError(e)


def value(e, state: dict, k: int | None = None):
    """`e` evaluated in `state` (a dict by variable), the parameter being `k`."""
    if isinstance(e, Var):
        return state[e.name]
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Param):
        return k
    if isinstance(e, Add):
        return value(e.left, state, k) + value(e.right, state, k)
    if isinstance(e, Mod):
        return value(e.expr, state, k) % e.modulus
    if isinstance(e, Cmp):
        left, right = value(e.left, state, k), value(e.right, state, k)
        return {"=": left == right, "#": left != right, "<": left < right,
                "<=": left <= right, ">": left > right, ">=": left >= right}[e.op]
    if isinstance(e, And):
        return all(value(part, state, k) for part in e.parts)
    if isinstance(e, Or):
        return any(value(part, state, k) for part in e.parts)
    if isinstance(e, Not):
        return not value(e.part, state, k)
    raise TypeError(e)


def model_read(name: str) -> str:
    return f"s.{name}"


def spec_read(name: str) -> str:
    return f"view['{name}']"


# -- programs --------------------------------------------------------------------


@dataclass(frozen=True)
class Variable:
    name: str
    #: values 0..size-1 stay so by the updates (taken modulo size); a growing
    #: variable's updates add to it, and only the constraint bounds it
    size: int
    grows: bool = False


@dataclass(frozen=True)
class Action:
    name: str
    parametric: bool  # \E k \in 0..2 : A(k)
    guard: object  # a boolean expression, or None for TRUE
    updates: tuple  # (variable, expression) pairs; the others are unchanged


@dataclass(frozen=True)
class Fairness:
    strength: str  # "weak" or "strong"
    #: the actions of one condition together (WF_vars(A \/ B)); ("*",) is Next
    actions: tuple
    #: one condition per value of k (\A k \in 0..2 : WF_vars(A(k))); one action
    per_value: bool = False


@dataclass(frozen=True)
class Temporal:
    name: str
    kind: str  # eventually, always_eventually, eventually_always, leads_to, once_always
    parts: tuple  # one boolean expression, two for leads_to and once_always


@dataclass(frozen=True)
class Program:
    seed: int
    variables: tuple
    init: tuple  # (variable, values) pairs: Init is every combination
    actions: tuple
    constraint: object  # a boolean expression or None
    constraint_in_model: bool  # within_bounds, not the spec's constraints:
    invariants: tuple  # (name, expression) pairs
    deadlock: bool
    temporal: tuple
    fairness: tuple

    @property
    def names(self) -> tuple:
        return tuple(v.name for v in self.variables)

    def checks(self) -> list[tuple[str, str | None]]:
        """Each TLC run: ("space", None), ("invariant", name), ("deadlock",
        None), ("temporal", name), and ("unfair", name): a ``[](P => []Q)``
        of a program with fairness checked again without it (`tla_config`),
        its verdict the same whatever the fairness, but TLC's under a
        constraint not (a fair behaviour it sees ends at a state whose fair
        steps all leave the constraint: no fair behaviour of its graph)."""
        return ([("space", None)] + [("invariant", name) for name, _ in self.invariants]
                + ([("deadlock", None)] if self.deadlock else [])
                + [("temporal", t.name) for t in self.temporal]
                + [("unfair", t.name) for t in self.temporal
                   if t.kind == "once_always" and self.fairness])


@dataclass(frozen=True)
class Profile:
    """How often each feature is drawn."""

    fewest_variables: int = 2
    constrained: float = 0.5
    nothing_changed: float = 0.2  # an action whose steps change nothing
    deadlock: float = 0.4
    temporal: float = 0.5
    fairness_conditions: tuple = (0, 1, 1, 2, 3)
    strong: tuple = ("weak", "weak", "strong")
    #: the temporal kinds drawn from, each equally often
    kinds: tuple = ("eventually", "always_eventually", "eventually_always", "leads_to")
    #: for once_always: the odds that P and Q bound one variable from below
    #: (``x >= 2``, ``x >= 1``), a stability such a property states
    stable: float = 0.0


PROFILES = {
    0: Profile(),
    # temporal properties under several fairness conditions, strong ones often
    1: Profile(constrained=0.25, temporal=1.0, fairness_conditions=(1, 2, 3, 3),
               strong=("weak", "strong")),
    # deeper safety: more variables, the deadlock check, fewer steps changing nothing
    2: Profile(fewest_variables=3, constrained=0.6, nothing_changed=0.05, deadlock=1.0),
    # [](P => []Q) most often, beside the other kinds, under fairness or none
    3: Profile(temporal=1.0, fairness_conditions=(0, 1, 2),
               kinds=("once_always", "once_always", "once_always", "leads_to",
                      "eventually_always"), stable=0.4),
}


def profile(seed: int) -> Profile:
    """Seeds 0-999 draw every feature; 1000-1999 mostly liveness; 2000-2999
    mostly safety and deadlock; 3000-3999 mostly ``[](P => []Q)``."""
    return PROFILES[seed // 1000 % len(PROFILES)]


def program(seed: int) -> Program:
    """The program drawn from `seed` (the same on every machine and Python),
    or the hand-written one of that number (`handwritten`)."""
    if seed in HANDWRITTEN:
        return handwritten(seed)
    rng = random.Random(seed)
    drawn = profile(seed)
    count = rng.randint(drawn.fewest_variables, 4)
    constrained = rng.random() < drawn.constrained
    variables = []
    for name in VARIABLES[:count]:
        grows = constrained and rng.random() < 0.4
        variables.append(Variable(name, rng.randint(2, 5), grows))
    variables = tuple(variables)

    init = []
    for v in variables:
        top = v.size + (2 if v.grows else 0)  # a growing one may start outside the constraint
        init.append((v.name, tuple(sorted(rng.sample(range(top), rng.choice((1, 1, 1, 2)))))))

    starts = [dict(zip((name for name, _ in init), values))
              for values in product(*(values for _, values in init))]
    actions = tuple(_action(rng, f"A{i + 1}", variables, drawn.nothing_changed)
                    for i in range(rng.randint(2, 5)))

    constraint = None
    if constrained:
        bounds = [Cmp("<=", Var(v.name), Const(v.size)) for v in variables if v.grows]
        if not bounds or rng.random() < 0.5:
            # one some initial state satisfies (drawn again until one does)
            for _ in range(20):
                atom = _atom(rng, variables, False)
                if any(value(atom, start) for start in starts):
                    break
            bounds.append(atom)
        constraint = bounds[0] if len(bounds) == 1 else And(tuple(bounds))

    invariants = tuple((f"inv{i + 1}", _invariant(rng, variables, starts))
                       for i in range(rng.randint(1, 3)))
    deadlock = rng.random() < drawn.deadlock

    temporal, fairness = (), ()
    if rng.random() < drawn.temporal:
        temporal = tuple(
            Temporal(f"live{i + 1}", kind, _temporal_parts(rng, kind, variables, drawn))
            for i, kind in enumerate(rng.choice(drawn.kinds) for _ in range(rng.randint(1, 2))))
        # (each condition once: a spec names a family once, where TLA+ may repeat one)
        fairness = tuple(dict.fromkeys(_fairness(rng, actions, drawn.strong)
                                       for _ in range(rng.choice(drawn.fairness_conditions))))
    return Program(seed, variables, tuple(init), actions, constraint,
                   constrained and rng.random() < 0.3, invariants, deadlock, temporal, fairness)


def _action(rng, name, variables, nothing_changed) -> Action:
    parametric = rng.random() < 0.4
    atoms = [_atom(rng, variables, parametric) for _ in range(rng.choice((0, 1, 1, 1, 2)))]
    guard = None if not atoms else atoms[0] if len(atoms) == 1 else And(tuple(atoms))
    if rng.random() < nothing_changed:
        return Action(name, parametric, guard, ())
    changed = rng.sample(variables, rng.randint(1, min(2, len(variables))))
    updates = tuple((v.name, _update(rng, v, variables, parametric))
                    for v in sorted(changed, key=variables.index))
    return Action(name, parametric, guard, updates)


def _update(rng, v, variables, parametric):
    other = rng.choice(variables)
    if v.grows:
        choices = [Add(Var(v.name), Const(1)), Add(Var(v.name), Const(1)),
                   Const(rng.randrange(v.size))]
        if parametric:
            choices.append(Add(Var(v.name), Param()))
        return rng.choice(choices)
    step = Mod(Add(Var(v.name), Const(1)), v.size)
    choices = [Const(rng.randrange(v.size)), step, step, Mod(Var(other.name), v.size),
               Mod(Add(Var(v.name), Var(other.name)), v.size)]
    if parametric:
        choices += [Mod(Add(Var(v.name), Param()), v.size), Mod(Param(), v.size)]
    return rng.choice(choices)


def _atom(rng, variables, parametric):
    v = rng.choice(variables)
    op = rng.choice(tuple(TLA_OPS))
    roll = rng.random()
    if parametric and roll < 0.3:
        return Cmp(op, Param(), Var(v.name))
    if roll < 0.6:
        return Cmp(op, Var(v.name), Const(rng.randrange(v.size + (1 if v.grows else 0))))
    other = rng.choice([u for u in variables if u != v])
    return Cmp(op, Var(v.name), Var(other.name))


def _predicate(rng, variables):
    """A state predicate: an atom, a sum against a constant, or a conjunction,
    disjunction or negation (mostly of a conjunction: an invariant that
    rules out one corner, and may hold)."""
    roll = rng.random()
    if roll < 0.2:
        return _atom(rng, variables, False)
    if roll < 0.4:
        a, b = rng.sample(variables, 2)
        return Cmp(rng.choice(("#", "<=", "<", ">=")), Add(Var(a.name), Var(b.name)),
                   Const(rng.randint(1, a.size + b.size - 1)))
    if roll < 0.5:
        return And((_atom(rng, variables, False), _atom(rng, variables, False)))
    if roll < 0.7:
        return Or((_atom(rng, variables, False), _atom(rng, variables, False)))
    return Not(And((_atom(rng, variables, False), _atom(rng, variables, False))))


def _temporal_parts(rng, kind, variables, drawn) -> tuple:
    """A temporal property's predicates: two for leads_to and once_always
    (for once_always, at odds `Profile.stable`, ``v >= a`` and ``v >= b``,
    b at most a, for one variable v), else one."""
    if kind == "once_always" and rng.random() < drawn.stable:
        v = rng.choice(variables)
        high = rng.randint(1, v.size - 1)
        return (Cmp(">=", Var(v.name), Const(high)),
                Cmp(">=", Var(v.name), Const(rng.randint(0, high))))
    return tuple(_predicate(rng, variables) for _ in range(2 if kind in PAIRED else 1))


#: the temporal kinds of two predicates, (p, q)
PAIRED = ("leads_to", "once_always")


def _invariant(rng, variables, starts):
    """A predicate, most often one that the initial states satisfy (drawn
    again until one does), so that most violations are some steps deep."""
    must_hold = rng.random() < 0.8
    for _ in range(20):
        predicate = _predicate(rng, variables)
        if not must_hold or all(value(predicate, start) for start in starts):
            break
    return predicate


def _fairness(rng, actions, strengths, every: float = 0.1,
              apart: Callable = lambda rng, action: action.parametric and rng.random() < 0.5,
              make: Callable = Fairness):
    """A fairness condition (`make`'s: `Fairness`, or `kit_programs.Fair`),
    of one of `strengths`: to every step (odds `every`), to two actions'
    steps together, or to one action's, apart as ``apart(rng, action)``
    draws (per value of k; the kit's per node, message, receiver or value)."""
    strength = rng.choice(strengths)
    roll = rng.random()
    if roll < every:
        return make(strength, ("*",))
    if roll < 0.3 and len(actions) > 1:
        return make(strength, tuple(a.name for a in rng.sample(actions, 2)))
    action = rng.choice(actions)
    return make(strength, (action.name,), apart(rng, action))


# -- hand-written programs: one corner of the semantics each ------------------------------

HANDWRITTEN = {
    90001: "a deadlock check where every step from a state leaves the constraint, and "
           "an invariant broken only outside it",
    90002: "an initial state outside the constraint, an invariant broken there",
    90003: "WF to an action whose steps change nothing: <>(x = 1) broken by stuttering",
    90004: "the same under WF_vars(Next): the other action must be taken",
    90005: "WF to each value of k of an action that changes nothing for k = 0",
    90006: "the same under WF to the action as a whole",
    90007: "a state where only a step that changes nothing is enabled: no deadlock",
    90010: "no fairness, and every step from the initial state leaves the constraint: "
           "stuttering there breaks <>(x = 1) with or without the constraint",
    90012: "an initial state outside the constraint where the behaviour stutters for "
           "ever, breaking <>(x = 1): neither TLC nor cmc looks at behaviours from it",
}


def handwritten(seed: int) -> Program:
    x, counter, flag = Var("x"), (Variable("x", 3, grows=True),), (Variable("x", 2),)
    step = Action("A1", False, None, (("x", Add(x, Const(1))),))
    stutter = Action("A1", False, None, ())
    leave = Action("A2", False, Cmp("=", x, Const(0)), (("x", Const(1)),))
    reach_one = (Temporal("live1", "eventually", (Cmp("=", x, Const(1)),)),)
    modulo = (Variable("x", 3),)
    turn = Action("A1", True, None, (("x", Mod(Add(x, Param()), 3)),))
    again = (Temporal("live1", "always_eventually", (Cmp("=", x, Const(2)),)),)
    programs = {
        90001: dict(variables=counter, init=(("x", (0,)),), actions=(step,),
                    constraint=Cmp("<=", x, Const(1)),
                    invariants=(("inv1", Cmp("#", x, Const(2))),), deadlock=True),
        90002: dict(variables=counter, init=(("x", (0, 5)),), actions=(step,),
                    constraint=Cmp("<=", x, Const(1)),
                    invariants=(("inv1", Cmp("#", x, Const(5))),), deadlock=True),
        90003: dict(variables=flag, init=(("x", (0,)),), actions=(stutter, leave),
                    temporal=reach_one, fairness=(Fairness("weak", ("A1",)),)),
        90004: dict(variables=flag, init=(("x", (0,)),), actions=(stutter, leave),
                    temporal=reach_one, fairness=(Fairness("weak", ("*",)),)),
        90005: dict(variables=modulo, init=(("x", (0,)),), actions=(turn,), temporal=again,
                    fairness=(Fairness("weak", ("A1",), per_value=True),)),
        90006: dict(variables=modulo, init=(("x", (0,)),), actions=(turn,), temporal=again,
                    fairness=(Fairness("weak", ("A1",)),)),
        90007: dict(variables=flag, init=(("x", (0,)),),
                    actions=(Action("A1", False, Cmp("=", x, Const(1)), ()), leave),
                    deadlock=True),
        90010: dict(variables=modulo, init=(("x", (0,)),),
                    actions=(Action("A1", False, None, (("x", Mod(Add(x, Const(1)), 3)),)),),
                    constraint=Cmp("<=", x, Const(0)), temporal=reach_one),
        90012: dict(variables=counter, init=(("x", (0, 5)),), actions=(leave,),
                    constraint=Cmp("<=", x, Const(1)), temporal=reach_one,
                    fairness=(Fairness("weak", ("A2",)),)),
    }
    given = dict(constraint=None, invariants=(), deadlock=False, temporal=(), fairness=())
    given.update(programs[seed])
    return Program(seed, given["variables"], given["init"], given["actions"],
                   given["constraint"], False, given["invariants"], given["deadlock"],
                   given["temporal"], given["fairness"])


# -- TLA+ ----------------------------------------------------------------------------

MODULE = "Prog"


def tla_module(p: Program) -> str:
    names = ", ".join(p.names)
    lines = [f"---- MODULE {MODULE} ----", "EXTENDS Naturals", f"VARIABLES {names}",
             f"vars == <<{names}>>", "",
             "Init == " + " /\\ ".join(f"{name} \\in {{{', '.join(map(str, values))}}}"
                                      for name, values in p.init)]
    for a in p.actions:
        head = f"{a.name}({PARAMETER})" if a.parametric else a.name
        conjuncts = [tla(a.guard)] if a.guard is not None else []
        conjuncts += [f"{name}' = {tla(e)}" for name, e in a.updates]
        kept = [name for name in p.names if name not in dict(a.updates)]
        if kept:
            conjuncts.append(f"UNCHANGED <<{', '.join(kept)}>>")
        lines.append(f"{head} ==")
        lines += [f"  /\\ {c}" for c in conjuncts]
    lines.append("Next ==")
    lines += [f"  \\/ {_tla_action(a)}" for a in p.actions]
    lines.append("Spec == Init /\\ [][Next]_vars" + "".join(
        f"\n  /\\ {_tla_fairness(f, p)}" for f in p.fairness))
    if p.constraint is not None:
        lines.append(f"Constr == {tla(p.constraint)}")
    lines += [f"{name} == {tla(e)}" for name, e in p.invariants]
    for t in p.temporal:
        formula = {"eventually": "<>{0}", "always_eventually": "[]<>{0}",
                   "eventually_always": "<>[]{0}", "leads_to": "{0} ~> {1}",
                   "once_always": "[]({0} => []{1})"}[t.kind]
        lines.append(f"{t.name} == " + formula.format(*(tla(e) for e in t.parts)))
    lines.append("====")
    return "\n".join(lines) + "\n"


def _tla_action(a: Action) -> str:
    return (f"(\\E {PARAMETER} \\in 0..{PARAMETER_VALUES - 1} : {a.name}({PARAMETER}))"
            if a.parametric else a.name)


def _tla_fairness(f: Fairness, p: Program) -> str:
    sf = "WF" if f.strength == "weak" else "SF"
    if f.actions == ("*",):
        return f"{sf}_vars(Next)"
    if f.per_value:
        (name,) = f.actions
        return (f"(\\A {PARAMETER} \\in 0..{PARAMETER_VALUES - 1} : "
                f"{sf}_vars({name}({PARAMETER})))")
    by_name = {a.name: a for a in p.actions}
    return f"{sf}_vars(" + " \\/ ".join(_tla_action(by_name[n]) for n in f.actions) + ")"


def tla_config(p: Program, kind: str, name: str | None) -> str:
    """The configuration of one check. The deadlock check is TLC's
    command-line flag (`tlc_deadlock`), not a line here."""
    # (INIT and NEXT: the spec without its fairness, the module unchanged)
    lines = ["INIT Init", "NEXT Next"] if kind == "unfair" else ["SPECIFICATION Spec"]
    if p.constraint is not None:
        lines.append("CONSTRAINT Constr")
    if kind == "invariant":
        lines.append(f"INVARIANT {name}")
    if kind in ("temporal", "unfair"):
        lines.append(f"PROPERTY {name}")
    return "\n".join(lines) + "\n"


def tlc_deadlock(kind: str) -> bool:
    """Whether TLC checks deadlock in this check (only the deadlock check)."""
    return kind == "deadlock"


# -- cmc -----------------------------------------------------------------------------


def model_file(p: Program) -> str:
    return f"prog_{p.seed}.py"


def cmc_model(p: Program) -> str:
    """The program as a plain `checker.Model`, as a user would write it."""
    lines = [f'"""Program {p.seed} of tests/tlc_diff/programs.py."""', "",
             "from typing import NamedTuple", "", "from checker import Model", "", "",
             "class State(NamedTuple):"]
    lines += [f"    {name}: int" for name in p.names]
    for a in p.actions:
        lines += ["", "", f"class {a.name}(NamedTuple):",
                  f"    {PARAMETER}: int" if a.parametric else "    pass"]
    lines += ["", "", "class Prog(Model):", f'    name = "prog-{p.seed}"',
              f'    summary = "random program {p.seed}"',
              f"    actions = ({', '.join(a.name for a in p.actions)},)", "",
              "    def initial_states(self):"]
    indent = "        "
    for name, values in p.init:
        lines.append(f"{indent}for {name} in ({', '.join(map(str, values))},):")
        indent += "    "
    lines.append(f"{indent}yield State({', '.join(p.names)})")
    lines += ["", "    def successors(self, s):"]
    for a in p.actions:
        indent = "        "
        if a.parametric:
            lines.append(f"{indent}for {PARAMETER} in range({PARAMETER_VALUES}):")
            indent += "    "
        if a.guard is not None:
            lines.append(f"{indent}if {py(a.guard, model_read)}:")
            indent += "    "
        step = f"{a.name}({PARAMETER})" if a.parametric else f"{a.name}()"
        if a.updates:
            changes = ", ".join(f"{name}={py(e, model_read)}" for name, e in a.updates)
            lines.append(f"{indent}yield {step}, s._replace({changes})")
        else:
            lines.append(f"{indent}yield {step}, s")
    if p.constraint is not None and p.constraint_in_model:
        lines += ["", "    def within_bounds(self, s):",
                  f"        return {py(p.constraint, model_read)}"]
    if properties_in_model(p):
        for name, e in p.invariants:
            lines += ["", f'    @invariant("{name}")', f"    def {name}(self, s):",
                      f"        return {py(e, model_read)}"]
        for t in p.temporal:
            parts = ", ".join(py(e, model_read) for e in t.parts)
            lines += ["", f'    @{t.kind}("{t.name}")', f"    def {t.name}(self, s):",
                      f"        return {parts}"]
        kinds = sorted({"invariant"} | {t.kind for t in p.temporal} - {"once_always"})
        lines[lines.index("from checker import Model")] = (
            f"from checker import Model, {', '.join(kinds)}")
        if any(t.kind == "once_always" for t in p.temporal):
            lines.insert(lines.index("from checker import Model, " + ", ".join(kinds)) + 1,
                         "from checker.properties import once_always")
    return "\n".join(lines) + "\n"


def properties_in_model(p: Program) -> bool:
    """Whether the model declares the invariants and temporal properties
    (decorated methods, the spec naming them in ``properties:``) rather than
    the spec as expressions: every third seed, so that both ways are
    compared with TLC. (Not drawn from the seed's numbers: the TLA+ text,
    and so TLC's stored figures, are the same either way.)"""
    return p.seed % 3 == 2


def _cmc_family(f: Fairness) -> str:
    if f.actions == ("*",):
        return "*"
    if f.per_value:
        return f"{f.actions[0]}({PARAMETER}=*)"
    return " | ".join(f.actions)


def cmc_spec(p: Program) -> str:
    """The spec checking every check of the program at once (run with
    ``keep_going``: each violation with its own shortest trace)."""
    def quoted(e) -> str:
        return '"' + py(e, spec_read) + '"'

    lines = [f"model: ./{model_file(p)}:Prog", f"deadlock: {str(p.deadlock).lower()}"]
    if properties_in_model(p):
        names = [name for name, _ in p.invariants] + [t.name for t in p.temporal]
        lines.append(f"properties: [{', '.join(names)}]")
    elif p.invariants:
        lines.append("invariants:")
        lines += [f"  {name}: {quoted(e)}" for name, e in p.invariants]
    if p.constraint is not None and not p.constraint_in_model:
        lines += ["constraints:", f"  constr: {quoted(p.constraint)}"]
    if p.temporal and not properties_in_model(p):
        lines.append("temporal:")
        for t in p.temporal:
            if t.kind in PAIRED:
                first, then = (quoted(e) for e in t.parts)
                lines.append(f"  {t.name}: {{{t.kind}: [{first}, {then}]}}")
            else:
                lines.append(f"  {t.name}: {{{t.kind}: {quoted(t.parts[0])}}}")
    lines += fairness_lines(p.fairness, _cmc_family)
    return "\n".join(lines) + "\n"


def fairness_lines(fairness, family: Callable) -> list[str]:
    """A spec's ``fairness:`` block (none where there is no condition),
    each condition as `family` writes it (``"Name(*)"``), weak then strong."""
    lines = ["fairness:"] if fairness else []
    for strength in ("weak", "strong"):
        families = [family(f) for f in fairness if f.strength == strength]
        if families:
            lines.append(f"  {strength}: [{', '.join(repr(x) for x in families)}]")
    return lines


def write_cmc(p: Program, folder) -> str:
    """Write the model and its spec into `folder`; the spec's path."""
    from pathlib import Path

    folder = Path(folder)
    (folder / model_file(p)).write_text(cmc_model(p))
    spec = folder / f"prog_{p.seed}.yaml"
    spec.write_text(cmc_spec(p))
    return str(spec)
