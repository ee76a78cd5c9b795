"""Random programs over a set of model values, for differential testing of
symmetry reduction and VIEW against TLC.

`program(seed)` draws a small program over ``P = {p1, p2}`` or ``{p1, p2,
p3}`` (model values, interchangeable): two to four of the variables

- ``val``: a function ``[P -> 0..d-1]`` (d is 2 or 3),
- ``flag``: a function ``[P -> BOOLEAN]``,
- ``members``: a set of processes (``SUBSET P``),
- ``msgs``: a set of messages ``[src: P, dst: P, v: 0..d-1]``, sent and
  received (removed, or kept as Paxos's message set keeps them),
- ``ctr``: a shared counter (growing, bounded by the constraint, or
  counting modulo 3);

two to five actions, each quantified ``\\E p \\in P``, ``\\E p, q \\in P``,
``\\E m \\in msgs`` or not at all, with guards comparing p's and q's
values, ``p = q`` and ``p # q``, membership, a message's fields; several
initial states; a constraint bounding growth (the messages' number, the
counter); one to three symmetric invariants (TLC's SYMMETRY is sound only
for symmetric properties), some of which fail; sometimes the deadlock
check; and, for some seeds, a VIEW that leaves out one variable nothing
else reads (so that which state of a view is kept does not matter: the
figures are the search order's in neither tool, and the views and their
orbits can be counted from the whole graph). From seed 1000 (`ORDERED`)
every program has a VIEW, leaving out a variable that guards, other
updates or the constraint read: of two states with one view the first met
is kept, and what follows depends on which, so the figures are those of
TLC's breadth-first order, which the model's successors follow (the
disjuncts of Next in turn, the first bound name varying fastest, a set of
messages in TLC's order of records: by dst, src, v).

It is rendered as a TLA+ module with one TLC configuration per check
(`checks`: the state space, each invariant and the deadlock check, each
with and without ``SYMMETRY Perms``, ``Perms == Permutations(P)``, and the
state space and each invariant the view keeps under the VIEW, with and
without the symmetry) and as a plain `checker.Model` typed for
`models.kit.Symmetric` (processes ``ids("procs", "p", first=1)``, the
functions ``indexed_by(Proc, ...)``, messages a record naming processes)
with a spec file, as a user would write them: the invariants as the
model's decorated methods on every other seed, else the spec's expressions
over the records the model offers (``procs``, ``members``, ``msgs``,
``ctr``); the constraint as ``within_bounds`` on every third seed, else
the spec's.
"""

from __future__ import annotations

import random
from collections import namedtuple
from dataclasses import dataclass
from itertools import combinations, permutations, product

VARIABLES = ("val", "flag", "members", "msgs", "ctr")
#: the first seed whose VIEW may leave out a variable that others read
ORDERED = 1000
MODULE = "Prog"  # the name run_tlc.run_check runs


@dataclass(frozen=True)
class Frag:
    """One expression in TLA+ and in Python over the model's state ``s``
    (processes as ints, the bound names ``p``, ``q``, ``m`` the same), and
    over the spec's names (None where a spec's expression cannot say it
    under symmetry)."""

    tla: str
    py: str
    spec: str | None = None
    reads: frozenset = frozenset()


def frag(tla: str, py: str, spec: str | None = None, *reads: str) -> Frag:
    return Frag(tla, py, spec, frozenset(reads))


@dataclass(frozen=True)
class Action:
    name: str
    #: "" (no quantifier), "p" (\E p \in P), "pq" (\E p, q \in P), "m" (\E m \in msgs)
    bound: str
    guards: tuple  # Frags, all must hold
    updates: tuple  # (variable, Frag of its new value); the others unchanged


@dataclass(frozen=True)
class Program:
    seed: int
    procs: int
    domain: int  # val and a message's v are in 0..domain-1
    variables: tuple
    init: tuple  # (variable, Frag of the set of initial values) in variable order
    actions: tuple
    constraint: Frag | None
    constraint_in_model: bool
    invariants: tuple  # (name, Frag)
    deadlock: bool
    view: str | None  # the variable the VIEW leaves out

    @property
    def view_free(self) -> bool:
        """Whether nothing but its own updates reads what the view leaves
        out: then which state of a view is kept does not change what
        follows."""
        return not _read_elsewhere(self.view, self.actions, self.constraint)

    def viewed_invariants(self) -> list[str]:
        """The invariants the VIEW keeps (that do not read what it leaves out)."""
        return [name for name, f in self.invariants if self.view not in f.reads]

    def checks(self) -> list[tuple[str, str | None, str]]:
        """Each TLC run: (kind, invariant name or None, mode), kind "space",
        "invariant" or "deadlock", mode "plain", "symmetry", "view" or
        "view+symmetry"."""
        found = []
        for mode in ("plain", "symmetry"):
            found += [("space", None, mode)]
            found += [("invariant", name, mode) for name, _ in self.invariants]
            found += [("deadlock", None, mode)] if self.deadlock else []
        if self.view is not None:
            for mode in ("view", "view+symmetry"):
                found += [("space", None, mode)]
                found += [("invariant", name, mode) for name in self.viewed_invariants()]
        return found


def program(seed: int) -> Program:
    """The program drawn from `seed` (the same on every machine and Python),
    or the hand-written one of that number (`HANDWRITTEN`)."""
    if seed in HANDWRITTEN:
        return handwritten(seed)
    rng = random.Random(seed)
    procs = rng.choice((2, 3, 3))
    domain = rng.choice((2, 3))
    count = rng.choice((2, 3, 3, 4)) if procs == 2 else rng.choice((2, 3, 3, 4))
    chosen = rng.sample(VARIABLES, count)
    variables = tuple(v for v in VARIABLES if v in chosen)
    ctr_grows = "ctr" in variables and rng.random() < 0.6
    draw = _Draw(rng, variables, procs, domain, ctr_grows)

    init = tuple((v, draw.init(v)) for v in variables)
    actions = []
    for i in range(rng.randint(2, 5)):
        actions.append(draw.action(f"A{i + 1}"))
    # each variable changed by some action, so the program is not half idle
    for v in variables:
        if not any(v == w for a in actions for w, _ in a.updates):
            actions.append(draw.action(f"A{len(actions) + 1}", v))
    actions = tuple(actions)

    bounds = []
    if "msgs" in variables:
        top = rng.choice((1, 2) if procs == 3 else (1, 2, 3))
        bounds.append(frag(f"Cardinality(msgs) <= {top}", f"len(s.msgs) <= {top}",
                           f"len(msgs) <= {top}", "msgs"))
    if ctr_grows:
        top = rng.randint(1, 3)
        bounds.append(frag(f"ctr <= {top}", f"s.ctr <= {top}", f"ctr <= {top}", "ctr"))
    if "members" in variables and rng.random() < 0.2:
        top = procs - 1
        bounds.append(frag(f"Cardinality(members) <= {top}", f"len(s.members) <= {top}",
                           f"len(members) <= {top}", "members"))
    constraint = None
    if bounds:
        constraint = Frag(" /\\ ".join(f"({b.tla})" for b in bounds),
                          " and ".join(f"({b.py})" for b in bounds),
                          " and ".join(f"({b.spec})" for b in bounds),
                          frozenset().union(*(b.reads for b in bounds)))

    starts = initial_states(init)
    invariants = tuple((f"Inv{i + 1}", draw.invariant(starts))
                       for i in range(rng.randint(1, 3)))
    deadlock = rng.random() < 0.5

    # a VIEW leaving out a variable that no guard, no other variable's
    # update and no constraint reads: the views' successors are then the
    # same whichever state of a view is kept. From seed 1000 on (`ORDERED`),
    # one that is read: which state is kept, the first met, decides what
    # follows, so the figures are those of TLC's order of search
    view = None
    if seed >= ORDERED:
        read = [v for v in variables if _read_elsewhere(v, actions, constraint)]
        view = rng.choice(read or variables)
    elif rng.random() < 0.6:
        free = [v for v in variables if not _read_elsewhere(v, actions, constraint)]
        if free and len(variables) > 1:
            view = rng.choice(free)
    return Program(seed, procs, domain, variables, init, actions, constraint,
                   seed % 3 == 1, invariants, deadlock, view)


#: Programs written by hand, one corner each.
HANDWRITTEN = {
    90001: "a VIEW leaving out the first variable, with SYMMETRY: TLC 2.15 takes the least "
           "renaming of the whole state and fingerprints its view, so two states of one "
           "view orbit whose left-out values differ can give two views "
           "(tlaplus/tlaplus#206, #1368): it counts 4 where the views fall into 3 orbits",
}


def handwritten(seed: int) -> Program:
    flip = Action("A1", "p", (), (("val", frag("[val EXCEPT ![p] = (val[p] + 1) % 2]",
                                              "_with(s.val, p, (s.val[p] + 1) % 2)", None,
                                              "val")),))
    return Program(seed, 2, 2, ("val", "members"),
                   (("val", frag("[P -> 0..1]", "tuple(product(range(2), repeat=2))")),
                    ("members", frag("SUBSET P", "tuple(subsets(2))"))),
                   (flip,), None, False,
                   (("Inv1", frag("Cardinality(members) <= 1", "len(s.members) <= 1",
                                  "len(members) <= 1", "members")),), False, "val")


def _read_elsewhere(v: str, actions, constraint) -> bool:
    if constraint is not None and v in constraint.reads:
        return True
    for a in actions:
        if a.bound == "m" and v == "msgs":
            return True
        if any(v in g.reads for g in a.guards):
            return True
        if any(v in f.reads for w, f in a.updates if w != v):
            return True
    return False


class _Draw:
    """The fragments a program is drawn from."""

    def __init__(self, rng, variables, procs, domain, ctr_grows):
        self.rng, self.variables, self.procs, self.domain = rng, variables, procs, domain
        self.ctr_grows = ctr_grows
        self.top = domain - 1

    def has(self, v: str) -> bool:
        return v in self.variables

    # -- initial states ------------------------------------------------------------

    def init(self, v: str) -> Frag:
        n, rng = self.procs, self.rng
        choices = {
            "val": [frag("[p \\in P |-> 0]", f"((0,) * {n},)"),
                    frag("[P -> 0..1]", f"tuple(product(range(2), repeat={n}))"),
                    frag(f"[P -> {{0, {self.top}}}]",
                         f"tuple(product((0, {self.top}), repeat={n}))")],
            "flag": [frag("[p \\in P |-> FALSE]", f"((False,) * {n},)"),
                     frag("[P -> BOOLEAN]", f"tuple(product((False, True), repeat={n}))")],
            "members": [frag("{}", "(frozenset(),)"),
                        frag("SUBSET P", f"tuple(subsets({n}))"),
                        frag("{{}, P}", f"(frozenset(), frozenset(range({n})))")],
            "msgs": [frag("{}", "(frozenset(),)"), frag("{}", "(frozenset(),)"),
                     frag("", "")],  # below
            "ctr": [frag("0", "(0,)"), frag("0..1", "(0, 1)")],
        }[v]
        chosen = rng.choice(choices)
        if v == "msgs" and chosen.py == "":
            # none, or any one message of value 0
            return frag("{{}} \\cup {{[src |-> p, dst |-> q, v |-> 0]} : p, q \\in P}",
                        f"(frozenset(),) + tuple(frozenset({{Msg(p, q, 0)}}) "
                        f"for p, q in product(range({n}), repeat=2))")
        if chosen.tla in ("0", "[p \\in P |-> 0]", "[p \\in P |-> FALSE]", "{}"):
            return frag("{" + chosen.tla + "}", chosen.py)  # Init: v \in {value}
        return chosen

    # -- actions ----------------------------------------------------------------------

    def action(self, name: str, changing: str | None = None) -> Action:
        rng = self.rng
        bounds = ["", "p", "p", "pq", "pq"] + (["m", "m"] if self.has("msgs") else [])
        if changing is not None:
            bounds = [b for b in bounds if self.updates(changing, b)]
        bound = rng.choice(bounds)
        if changing is None:
            updatable = [v for v in self.variables if self.updates(v, bound)]
            changed = rng.sample(updatable, min(len(updatable), rng.choice((1, 1, 2))))
        else:
            changed = [changing]
        changed = sorted(changed, key=self.variables.index)
        updates = tuple((v, rng.choice(self.updates(v, bound))) for v in changed)
        if bound == "m" and "msgs" not in changed and rng.random() < 0.6:
            updates = tuple(sorted(updates + (("msgs", frag("msgs \\ {m}", "s.msgs - {m}",
                                                            None, "msgs")),),
                                   key=lambda u: self.variables.index(u[0])))
        pool = self.guards(bound)
        guards = tuple(rng.sample(pool, min(len(pool), rng.choice((0, 1, 1, 1, 2)))))
        if bound == "pq" and rng.random() < 0.5:
            guards += (rng.choice((frag("p # q", "p != q"), frag("p = q", "p == q"))),)
        return Action(name, bound, guards, updates)

    def updates(self, v: str, bound: str) -> list[Frag]:
        top, d = self.top, self.domain
        # who the action is about: p, or the message's receiver
        who = {"p": "p", "pq": "p", "m": "m.dst", "": None}[bound]
        if v in ("val", "flag", "members") and who is None:
            if v == "members":
                return [frag("{}", "frozenset()")]
            return []
        if v == "val":
            found = [frag(f"[val EXCEPT ![{who}] = {c}]", f"_with(s.val, {who}, {c})", None, "val")
                     for c in (0, top)]
            found.append(frag(f"[val EXCEPT ![{who}] = (val[{who}] + 1) % {d}]",
                              f"_with(s.val, {who}, (s.val[{who}] + 1) % {d})", None, "val"))
            if bound == "pq":
                found += [frag("[val EXCEPT ![p] = val[q]]", "_with(s.val, p, s.val[q])",
                               None, "val"),
                          frag(f"[val EXCEPT ![p] = (val[p] + val[q]) % {d}]",
                               f"_with(s.val, p, (s.val[p] + s.val[q]) % {d})", None, "val")]
            if bound == "m":
                found += [frag("[val EXCEPT ![m.dst] = m.v]", "_with(s.val, m.dst, m.v)",
                               None, "val")] * 2
            return found
        if v == "flag":
            found = [frag(f"[flag EXCEPT ![{who}] = ~flag[{who}]]",
                          f"_with(s.flag, {who}, not s.flag[{who}])", None, "flag"),
                     frag(f"[flag EXCEPT ![{who}] = TRUE]", f"_with(s.flag, {who}, True)",
                          None, "flag")]
            if bound == "pq":
                found.append(frag("[flag EXCEPT ![q] = flag[p]]", "_with(s.flag, q, s.flag[p])",
                                  None, "flag"))
            return found
        if v == "members":
            found = [frag(f"members \\cup {{{who}}}", f"s.members | {{{who}}}", None, "members"),
                     frag(f"members \\ {{{who}}}", f"s.members - {{{who}}}", None, "members")]
            if bound == "pq":
                found.append(frag("{p, q}", "frozenset((p, q))"))
            if bound == "m":
                found.append(frag("members \\cup {m.src}", "s.members | {m.src}", None,
                                  "members"))
            return found
        if v == "msgs":
            value = (("val[p]", "s.val[p]", "val") if self.has("val")
                     else (str(self.rng.randrange(d)),) * 2 + ("",))
            reads = ("msgs",) + ((value[2],) if value[2] else ())
            if bound == "pq":
                return [Frag(f"msgs \\cup {{[src |-> p, dst |-> q, v |-> {value[0]}]}}",
                             f"s.msgs | {{Msg(p, q, {value[1]})}}", None, frozenset(reads))]
            if bound == "p":
                return [Frag(f"msgs \\cup {{[src |-> p, dst |-> r, v |-> {value[0]}] : r \\in P}}",
                             f"s.msgs | {{Msg(p, r, {value[1]}) for r in range({self.procs})}}",
                             None, frozenset(reads))]
            if bound == "m":
                return [frag("msgs \\ {m}", "s.msgs - {m}", None, "msgs")]
            return []
        if v == "ctr":
            if self.ctr_grows:
                return [frag("ctr + 1", "s.ctr + 1", None, "ctr")]
            return [frag("(ctr + 1) % 3", "(s.ctr + 1) % 3", None, "ctr")]
        raise ValueError(v)

    def guards(self, bound: str) -> list[Frag]:
        top = self.top
        found = []
        who = {"p": "p", "pq": "p", "m": "m.dst"}.get(bound)
        if who is not None:
            if self.has("val"):
                found += [frag(f"val[{who}] = {c}", f"s.val[{who}] == {c}", None, "val")
                          for c in (0, top)]
                found.append(frag(f"val[{who}] < {top}", f"s.val[{who}] < {top}", None, "val"))
            if self.has("flag"):
                found += [frag(f"flag[{who}]", f"s.flag[{who}]", None, "flag"),
                          frag(f"~flag[{who}]", f"not s.flag[{who}]", None, "flag")]
            if self.has("members"):
                found += [frag(f"{who} \\in members", f"{who} in s.members", None, "members"),
                          frag(f"{who} \\notin members", f"{who} not in s.members", None,
                               "members")]
        if bound == "pq":
            if self.has("val"):
                found += [frag("val[p] < val[q]", "s.val[p] < s.val[q]", None, "val"),
                          frag("val[p] = val[q]", "s.val[p] == s.val[q]", None, "val"),
                          frag("val[p] # val[q]", "s.val[p] != s.val[q]", None, "val")]
            if self.has("members"):
                found.append(frag("q \\in members", "q in s.members", None, "members"))
            if self.has("flag"):
                found.append(frag("flag[q] # flag[p]", "s.flag[q] != s.flag[p]", None, "flag"))
        if bound == "m":
            found += [frag("m.src # m.dst", "m.src != m.dst"),
                      frag(f"m.v = {top}", f"m.v == {top}")]
            if self.has("val"):
                found += [frag("m.v > val[m.dst]", "m.v > s.val[m.dst]", None, "val"),
                          frag("m.v # val[m.src]", "m.v != s.val[m.src]", None, "val")]
            if self.has("members"):
                found.append(frag("m.src \\in members", "m.src in s.members", None, "members"))
        if self.has("ctr"):
            found.append(frag("ctr < 2", "s.ctr < 2", None, "ctr"))
        if self.has("members"):
            found.append(frag(f"Cardinality(members) < {self.procs - 1}",
                              f"len(s.members) < {self.procs - 1}", None, "members"))
        return found or [frag("TRUE", "True")]

    # -- invariants ---------------------------------------------------------------------

    def invariant(self, starts: list) -> Frag:
        """A symmetric predicate, most often one the initial states satisfy
        (drawn again until one does), so that most violations are some
        steps deep."""
        must_hold = self.rng.random() < 0.8
        for _ in range(20):
            drawn = self.predicate()
            if not must_hold or all(holds(drawn, start) for start in starts):
                break
        return drawn

    def predicate(self) -> Frag:
        top, n = self.top, self.procs
        found = []
        if self.has("val"):
            k = self.rng.randrange(self.domain)
            found += [
                frag(f"\\A p \\in P : val[p] <= {k}", f"all(v <= {k} for v in s.val)",
                     f"all(x.val <= {k} for x in procs)", "val"),
                frag("\\A p, q \\in P : val[p] = val[q]", "len(set(s.val)) <= 1",
                     "len({x.val for x in procs}) <= 1", "val"),
                frag(f"\\A p, q \\in P : p # q => ~(val[p] = {top} /\\ val[q] = {top})",
                     f"sum(v == {top} for v in s.val) <= 1",
                     f"sum(x.val == {top} for x in procs) <= 1", "val"),
                frag("\\E p \\in P : val[p] = 0", "any(v == 0 for v in s.val)",
                     "any(x.val == 0 for x in procs)", "val"),
            ]
        if self.has("flag"):
            found.append(frag(f"Cardinality({{p \\in P : flag[p]}}) < {n}",
                              f"sum(s.flag) < {n}", f"sum(x.flag for x in procs) < {n}", "flag"))
            if self.has("val"):
                found.append(frag("\\A p \\in P : flag[p] => val[p] > 0",
                                  "all(v > 0 for v, f in zip(s.val, s.flag) if f)",
                                  "all(x.val > 0 for x in procs if x.flag)", "val", "flag"))
        if self.has("members"):
            k = self.rng.randrange(n)
            found.append(frag(f"Cardinality(members) <= {k}", f"len(s.members) <= {k}",
                              f"len(members) <= {k}", "members"))
            if self.has("flag"):
                found.append(frag("\\A p \\in members : flag[p]",
                                  "all(s.flag[p] for p in s.members)", None, "members", "flag"))
            if self.has("val"):
                found.append(frag(f"\\A p \\in members : val[p] < {top}",
                                  f"all(s.val[p] < {top} for p in s.members)", None,
                                  "members", "val"))
        if self.has("msgs"):
            found += [frag("\\A m \\in msgs : m.src # m.dst",
                           "all(m.src != m.dst for m in s.msgs)",
                           "all(m.src != m.dst for m in msgs)", "msgs"),
                      frag(f"\\A m \\in msgs : m.v < {top}", f"all(m.v < {top} for m in s.msgs)",
                           f"all(m.v < {top} for m in msgs)", "msgs"),
                      frag("Cardinality(msgs) <= 1", "len(s.msgs) <= 1", "len(msgs) <= 1",
                           "msgs")]
            if self.has("val"):
                found.append(frag("\\A m \\in msgs : m.v <= val[m.src]",
                                  "all(m.v <= s.val[m.src] for m in s.msgs)", None,
                                  "msgs", "val"))
            if self.has("members"):
                found.append(frag("\\A m \\in msgs : m.dst \\notin members",
                                  "all(m.dst not in s.members for m in s.msgs)", None,
                                  "msgs", "members"))
        if self.has("ctr"):
            found.append(frag("ctr < 2", "s.ctr < 2", "ctr < 2", "ctr"))
        return self.rng.choice(found)


def initial_states(init: tuple) -> list:
    """The initial states (records with the variables' names), from the
    model's rendering of Init."""
    names = {"product": product, "range": range, "frozenset": frozenset, "tuple": tuple,
             "Msg": namedtuple("Msg", "src dst v"),
             "subsets": lambda n: [frozenset(c) for k in range(n + 1)
                                   for c in combinations(range(n), k)]}
    state = namedtuple("State", [v for v, _ in init])
    values = [eval(f.py, names) for _, f in init]  # noqa: S307
    return [state(*combination) for combination in product(*values)]


def holds(predicate: Frag, state) -> bool:
    return bool(eval(predicate.py, {"s": state, "len": len, "all": all, "any": any,  # noqa: S307
                                    "sum": sum, "set": set, "zip": zip}))


# -- TLA+ -------------------------------------------------------------------------------


def tla_module(p: Program) -> str:
    names = ", ".join(p.variables)
    lines = [f"---- MODULE {MODULE} ----", "EXTENDS Naturals, FiniteSets, TLC",
             "CONSTANT P", f"VARIABLES {names}", f"vars == <<{names}>>",
             "Perms == Permutations(P)", "",
             "Init == " + " /\\ ".join(f"{v} \\in {f.tla}" for v, f in p.init)]
    for a in p.actions:
        conjuncts = [f"({g.tla})" for g in a.guards]
        conjuncts += [f"{v}' = {f.tla}" for v, f in a.updates]
        kept = [v for v in p.variables if v not in dict(a.updates)]
        if kept:
            conjuncts.append(f"UNCHANGED <<{', '.join(kept)}>>")
        quantifier = {"": "", "p": "\\E p \\in P : ", "pq": "\\E p, q \\in P : ",
                      "m": "\\E m \\in msgs : "}[a.bound]
        lines.append(f"{a.name} == {quantifier}")
        lines += [f"  /\\ {c}" for c in conjuncts]
    lines.append("Next ==")
    lines += [f"  \\/ {a.name}" for a in p.actions]
    lines.append("Spec == Init /\\ [][Next]_vars")
    if p.constraint is not None:
        lines.append(f"Constr == {p.constraint.tla}")
    lines += [f"{name} == {f.tla}" for name, f in p.invariants]
    if p.view is not None:
        lines.append(f"View == <<{', '.join(v for v in p.variables if v != p.view)}>>")
    lines.append("====")
    return "\n".join(lines) + "\n"


def tla_config(p: Program, kind: str, name: str | None, mode: str) -> str:
    """The configuration of one check. The deadlock check is TLC's
    command-line flag (`tlc_deadlock`), not a line here."""
    processes = ", ".join(f"p{i + 1}" for i in range(p.procs))
    lines = ["SPECIFICATION Spec", f"CONSTANT P = {{{processes}}}"]
    if p.constraint is not None:
        lines.append("CONSTRAINT Constr")
    if "symmetry" in mode:
        lines.append("SYMMETRY Perms")
    if "view" in mode:
        lines.append("VIEW View")
    if kind == "invariant":
        lines.append(f"INVARIANT {name}")
    return "\n".join(lines) + "\n"


def tlc_deadlock(kind: str) -> bool:
    """Whether TLC checks deadlock in this check (only the deadlock check)."""
    return kind == "deadlock"


# -- cmc --------------------------------------------------------------------------------

TYPES = {"val": "indexed_by(Proc, int)", "flag": "indexed_by(Proc, bool)",
         "members": "frozenset[Proc]", "msgs": "frozenset[Msg]", "ctr": "int"}
#: what the view sets a left-out variable to
FIXED = {"val": "(0,) * self.procs", "flag": "(False,) * self.procs", "members": "frozenset()",
         "msgs": "frozenset()", "ctr": "0"}


def model_file(p: Program) -> str:
    return f"sym_{p.seed}.py"


def invariants_in_model(p: Program) -> bool:
    """Whether the model declares the invariants (decorated methods, the
    spec naming them), every other seed and wherever a spec's expression
    cannot say one, rather than the spec as expressions."""
    return p.seed % 2 == 0 or any(f.spec is None for _, f in p.invariants)


def cmc_model(p: Program) -> str:
    """The program as a plain model typed for `Symmetric`, as a user would write it."""
    imports = "Model, Param" + (", invariant" if invariants_in_model(p) else "")
    lines = [f'"""Program {p.seed} of tests/tlc_diff/symmetric.py."""', "",
             "from itertools import combinations, product", "from typing import NamedTuple", "",
             f"from checker import {imports}", "from models.kit import Symmetric, ids, indexed_by",
             "", 'Proc = ids("procs", "p", first=1, named=True)', "", "",
             "class Msg(NamedTuple):", "    src: Proc", "    dst: Proc", "    v: int", "", "",
             "class State(NamedTuple):"]
    lines += [f"    {v}: {TYPES[v]}" for v in p.variables]
    for a in p.actions:
        fields = {"": ["    pass"], "p": ["    p: Proc"], "pq": ["    p: Proc", "    q: Proc"],
                  "m": ["    m: Msg"]}[a.bound]
        lines += ["", "", f"class {a.name}(NamedTuple):", *fields]
    lines += ["", "", "class Prog(Symmetric, Model):", f'    name = "sym-{p.seed}"',
              f'    summary = "random program {p.seed} over model values"',
              f'    params = (Param("procs", {p.procs}, "processes p1..pN", minimum=1),',
              '              Param("VIEW", False, "the VIEW: '
              + (f'{p.view} left out' if p.view else 'none') + '"))',
              f"    actions = ({', '.join(a.name for a in p.actions)},)",
              "    state_type = State", '    symmetry_sets = ("procs",)', "",
              "    def initial_states(self):"]
    indent = "        "
    for v, f in p.init:
        lines.append(f"{indent}for {v} in {f.py}:")
        indent += "    "
    lines.append(f"{indent}yield State({', '.join(p.variables)})")
    lines += ["", "    def successors(self, s):",
              "        # in TLC's order: the disjuncts of Next in turn, the first bound",
              "        # name varying fastest, messages as TLC orders records (dst, src, v)"]
    for a in p.actions:
        indent = "        "
        loop = {"": None, "p": "for p in range(self.procs):",
                "pq": "for q, p in product(range(self.procs), repeat=2):",
                "m": "for m in sorted(s.msgs, key=lambda m: (m.dst, m.src, m.v)):"}[a.bound]
        if loop:
            lines.append(indent + loop)
            indent += "    "
        if a.guards:
            lines.append(f"{indent}if {' and '.join(f'({g.py})' for g in a.guards)}:")
            indent += "    "
        step = {"": f"{a.name}()", "p": f"{a.name}(p)", "pq": f"{a.name}(p, q)",
                "m": f"{a.name}(m)"}[a.bound]
        changes = ", ".join(f"{v}={f.py}" for v, f in a.updates)
        lines.append(f"{indent}yield {step}, s._replace({changes})")
    if p.constraint is not None and p.constraint_in_model:
        lines += ["", "    def within_bounds(self, s):", f"        return {p.constraint.py}"]
    if p.view is not None:
        lines += ["", "    def view(self, s):",
                  f"        return s._replace({p.view}={FIXED[p.view]}) if self.VIEW else s"]
    if invariants_in_model(p):
        for name, f in p.invariants:
            lines += ["", f'    @invariant("{name}", default=False)',
                      f"    def {name}(self, s):  # noqa: N802", f"        return {f.py}"]
    lines += ["", "", "def subsets(n):",
              "    return [frozenset(c) for k in range(n + 1) for c in combinations(range(n), k)]",
              "", "", "def _with(values, index, value):",
              "    return values[:index] + (value,) + values[index + 1:]"]
    return "\n".join(lines) + "\n"


def cmc_spec(p: Program, symmetry: bool, view: bool) -> str:
    """A spec checking every invariant and the deadlock check at once (run
    with ``keep_going``)."""
    lines = [f"model: ./{model_file(p)}:Prog", f"params: {{procs: {p.procs}, VIEW: "
             f"{str(view).lower()}}}", f"symmetry: {str(symmetry).lower()}",
             f"deadlock: {str(p.deadlock and not view).lower()}"]
    invariants = [(name, f) for name, f in p.invariants
                  if not view or name in p.viewed_invariants()]
    if invariants_in_model(p):
        if invariants:  # (each declared default=False: none checked unless named)
            lines.append(f"properties: [{', '.join(name for name, _ in invariants)}]")
    elif invariants:
        lines.append("invariants:")
        lines += [f'  {name}: "{f.spec}"' for name, f in invariants]
    if p.constraint is not None and not p.constraint_in_model:
        lines += ["constraints:", f'  constr: "{p.constraint.spec}"']
    return "\n".join(lines) + "\n"


def write_cmc(p: Program, folder, symmetry: bool, view: bool = False) -> str:
    """Write the model and a spec into `folder`; the spec's path."""
    from pathlib import Path

    folder = Path(folder)
    (folder / model_file(p)).write_text(cmc_model(p))
    spec = folder / f"sym_{p.seed}_{int(symmetry)}{int(view)}.yaml"
    spec.write_text(cmc_spec(p, symmetry, view))
    return str(spec)


# -- the model's graph, renamed by hand --------------------------------------------------


def rename(p: Program, state, images: tuple):
    """`state` of `p`'s model with process k renamed images[k]: written
    here, apart from `Symmetric`'s derived renaming, to count orbits."""
    moved = {}
    for v in p.variables:
        value = getattr(state, v)
        if value is None:  # (left out by a view)
            moved[v] = value
        elif v in ("val", "flag"):
            entries = [None] * p.procs
            for k, x in enumerate(value):
                entries[images[k]] = x
            moved[v] = tuple(entries)
        elif v == "members":
            moved[v] = frozenset(images[k] for k in value)
        elif v == "msgs":
            moved[v] = frozenset(type(m)(images[m.src], images[m.dst], m.v) for m in value)
        else:
            moved[v] = value
    return type(state)(**moved)


def canonical(p: Program, state, order) -> object:
    """The least of `state`'s renamings under `order` (a sort key)."""
    return min((rename(p, state, images) for images in permutations(range(p.procs))), key=order)
