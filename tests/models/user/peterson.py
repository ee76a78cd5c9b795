"""Peterson's mutual exclusion for two processes, as PlusCal writes it: a
`pc` per process and one action per label (a0: leave the noncritical
section, a1: raise the flag, a2: give the turn away, a3a/a3b: wait while
the other's flag is up and it has the turn, cs: the critical section, a4:
lower the flag). A plain `checker.Model`.

PlusCal's ``fair process`` is ``\\A self : WF_vars(proc(self))``, weak
fairness to each process's labels together, which a spec writes as one
family over all of them with the process given ``*``:
``'A0(p=*) | A1(p=*) | ... | A4(p=*)'``.
"""

from typing import NamedTuple

from checker import Model, invariant, leads_to


class State(NamedTuple):
    flag: tuple[bool, bool]
    turn: int
    pc: tuple[str, str]


class A0(NamedTuple):
    p: int


class A1(NamedTuple):
    p: int


class A2(NamedTuple):
    p: int


class A3a(NamedTuple):
    p: int


class A3b(NamedTuple):
    p: int


class CS(NamedTuple):
    p: int


class A4(NamedTuple):
    p: int


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


class Peterson(Model):
    name = "peterson"
    summary = "Peterson's mutual exclusion for two processes"
    mutants = {"turn_to_self": "a2 keeps the turn instead of giving it away → "
                               "Mutual Exclusion"}
    actions = (A0, A1, A2, A3a, A3b, CS, A4)

    def initial_states(self):
        return [State(flag=(False, False), turn=0, pc=("a0", "a0"))]

    def successors(self, s: State):
        for p in (0, 1):
            other = 1 - p

            def to(label, **changes):
                return s._replace(pc=_with(s.pc, p, label), **changes)

            match s.pc[p]:
                case "a0":
                    yield A0(p), to("a1")
                case "a1":
                    yield A1(p), to("a2", flag=_with(s.flag, p, True))
                case "a2":
                    yield A2(p), to("a3a", turn=p if self.mutant == "turn_to_self" else other)
                case "a3a":
                    yield A3a(p), to("a3b" if s.flag[other] else "cs")
                case "a3b":
                    yield A3b(p), to("a3a" if s.turn == other else "cs")
                case "cs":
                    yield CS(p), to("a4")
                case "a4":
                    yield A4(p), to("a0", flag=_with(s.flag, p, False))

    @invariant("Mutual Exclusion")
    def mutual_exclusion(self, s: State):
        return s.pc != ("cs", "cs")

    @leads_to("Process 0 Enters")
    def enters_0(self, s: State):
        return s.pc[0] == "a1", s.pc[0] == "cs"

    @leads_to("Process 1 Enters")
    def enters_1(self, s: State):
        return s.pc[1] == "a1", s.pc[1] == "cs"
