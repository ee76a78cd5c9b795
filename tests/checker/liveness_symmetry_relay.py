"""A token passed among interchangeable nodes, for temporal properties
under symmetry (tests/checker/test_liveness_symmetry.py).

One node holds the token and passes it to any other (`Pass`), or retires
it (`Retire`), after which nothing moves. Every placement of the token is
a renaming of every other: `nodes` states of each kind, one orbit each.
Going round the reduced graph's one loop (a `Pass` from the orbit back to
itself) leads from holder n0 to holder n1, a renaming: the loop is gone
round twice to be back at n0.
"""

from typing import NamedTuple

from checker import Fails, Model, Param, eventually, leads_to, once_always


class State(NamedTuple):
    holder: int
    retired: bool


class Pass(NamedTuple):
    frm: int
    to: int


class Retire(NamedTuple):
    node: int


class Relay(Model):
    name = "relay"
    summary = "a token passed among interchangeable nodes, until one retires it"
    params = (Param("nodes", 3, "nodes n0..n(N-1)", minimum=2),)
    actions = (Pass, Retire)
    symmetry_sets = ("nodes",)

    def initial_states(self):
        yield State(0, False)

    def successors(self, s):
        if s.retired:
            return
        for to in range(self.nodes):
            if to != s.holder:
                yield Pass(s.holder, to), s._replace(holder=to)
        yield Retire(s.holder), s._replace(retired=True)

    def symmetry_groups(self):
        return {"nodes": [list(range(self.nodes))]}

    def permute(self, s, perm):
        return s._replace(holder=perm["nodes"][s.holder])

    def permute_action(self, action, perm):
        images = perm["nodes"]
        if isinstance(action, Pass):
            return Pass(images[action.frm], images[action.to])
        return Retire(images[action.node])

    @eventually("Token Retired")
    def token_retired(self, s):
        """Saying who holds the token where it is not retired (a `Fails`
        reason, which the finding gives for the first state of its loop)."""
        return s.retired or Fails(f"n{s.holder} holds the token")

    @leads_to("Passed Token Retired")
    def passed_token_retired(self, s):
        return not s.retired, s.retired or Fails(f"n{s.holder} holds the token")

    @once_always("Retired For Good")
    def retired_for_good(self, s):
        """Once retired, the token is never retired: broken at once, saying
        by whom (a `Fails` reason, carried into the finding)."""
        return s.retired, not s.retired or Fails(f"n{s.holder} retired the token")

    @eventually("Node Zero Holds")
    def node_zero_holds(self, s):
        """Not symmetric: names node 0."""
        return s.holder == 0 and s.retired

    @eventually("Each Node Held", each="node")
    def each_node_held(self, s):
        return {f"n{n}": s.holder == n for n in range(self.nodes)}
