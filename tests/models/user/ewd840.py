"""Termination detection on a ring (Dijkstra, Feijen and van Gasteren,
EWD 840), written as a user would from EWD840.tla of the TLA+ examples:
a plain `checker.Model`, one branch of `successors` per action.

N nodes on a ring pass a token from node N-1 down to node 0. A node is
active or not, and white or black; an active node may wake another (and
turns black if it wakes one above it, against the token) or stop. Node 0
starts a probe with a white token; a node passes the token on once it is
inactive, staining it if the node is black. A white token back at a white,
inactive node 0 means every node is inactive.

The TLA+ spec assumes weak fairness of the token's actions together,
``WF_vars(System)`` with ``System == InitiateProbe \\/ \\E i : PassToken(i)``,
which a spec writes as one family over both: ``'InitiateProbe | PassToken'``.
"""

from itertools import product
from typing import NamedTuple

from checker import Model, Param, eventually, eventually_always, invariant, leads_to


class State(NamedTuple):
    active: tuple[bool, ...]    # by node
    color: tuple[str, ...]      # by node: "white" or "black"
    tpos: int                   # the node holding the token
    tcolor: str                 # the token's color


class InitiateProbe(NamedTuple):
    pass


class PassToken(NamedTuple):
    i: int


class SendMsg(NamedTuple):
    i: int
    j: int


class Deactivate(NamedTuple):
    i: int


class EWD840(Model):
    name = "ewd840"
    summary = "termination detection on a ring (EWD 840)"
    params = (Param("N", 3, "nodes on the ring", minimum=1),)
    mutants = {"pass_while_active": "an active white node passes a white token on → "
                                    "Termination Detection"}
    actions = (InitiateProbe, PassToken, SendMsg, Deactivate)

    def initial_states(self):
        # any activity and colors, the token anywhere and black
        for active in product((False, True), repeat=self.N):
            for color in product(("white", "black"), repeat=self.N):
                for tpos in range(self.N):
                    yield State(active, color, tpos, "black")

    def successors(self, s: State):
        if s.tpos == 0 and (s.tcolor == "black" or s.color[0] == "black"):
            yield InitiateProbe(), s._replace(tpos=self.N - 1, tcolor="white",
                                              color=_with(s.color, 0, "white"))
        i = s.tpos
        if i != 0 and (not s.active[i] or s.color[i] == "black" or s.tcolor == "black"
                       or self.mutant == "pass_while_active"):
            yield PassToken(i), s._replace(
                tpos=i - 1, tcolor="black" if s.color[i] == "black" else s.tcolor,
                color=_with(s.color, i, "white"))
        for i in range(self.N):
            if not s.active[i]:
                continue
            for j in range(self.N):
                if j != i:
                    yield SendMsg(i, j), s._replace(
                        active=_with(s.active, j, True),
                        color=_with(s.color, i, "black") if j > i else s.color)
            yield Deactivate(i), s._replace(active=_with(s.active, i, False))

    def detected(self, s: State) -> bool:
        return (s.tpos == 0 and s.tcolor == "white" and s.color[0] == "white"
                and not s.active[0])

    @invariant("Termination Detection")
    def termination_detection(self, s: State):
        return not self.detected(s) or not any(s.active)

    @invariant("Dijkstra's Invariant")
    def inv(self, s: State):
        return (all(not s.active[i] for i in range(s.tpos + 1, self.N))
                or "black" in s.color[:s.tpos + 1] or s.tcolor == "black")

    @leads_to("Termination Detected")
    def liveness(self, s: State):
        return not any(s.active), self.detected(s)

    @eventually("All Inactive")
    def all_inactive(self, s: State):
        return not any(s.active)

    @eventually_always("Detected For Good")
    def detected_for_good(self, s: State):
        return self.detected(s)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]
