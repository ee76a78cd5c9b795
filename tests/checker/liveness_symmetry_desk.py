"""Clients served at interchangeable desks, for a property of each client
under symmetry over the desks (tests/checker/test_liveness_symmetry.py).

A waiting client is served at any desk (`Serve`), which turns that desk's
light over; a served client may come back and wait again (`Return`, where
the model has it). Renaming desks leaves every client where it is, so
"each client is eventually served" is one property per client that
renaming does not touch: checked client by client on the orbits.
"""

from typing import NamedTuple

from checker import Fails, Model, Param, eventually


class State(NamedTuple):
    waiting: tuple[bool, ...]  # by client
    lights: tuple[bool, ...]   # by desk


class Serve(NamedTuple):
    client: int
    desk: int


class Return(NamedTuple):
    client: int


class Desks(Model):
    name = "desks"
    summary = "clients served at interchangeable desks"
    params = (Param("clients", 2, "clients c0..c(N-1)", minimum=1),
              Param("desks", 2, "desks d0..d(N-1)", minimum=1),
              Param("returns", True, "whether a served client may come back"))
    actions = (Serve, Return)
    symmetry_sets = ("desks",)

    def initial_states(self):
        yield State((True,) * self.clients, (False,) * self.desks)

    def successors(self, s):
        for client, waiting in enumerate(s.waiting):
            if waiting:
                for desk in range(self.desks):
                    lights = list(s.lights)
                    lights[desk] = not lights[desk]
                    yield Serve(client, desk), State(_set(s.waiting, client, False),
                                                     tuple(lights))
            elif self.returns:
                yield Return(client), s._replace(waiting=_set(s.waiting, client, True))

    def symmetry_groups(self):
        return {"desks": [list(range(self.desks))]}

    def permute(self, s, perm):
        lights = [False] * self.desks
        for desk, light in enumerate(s.lights):
            lights[perm["desks"][desk]] = light
        return s._replace(lights=tuple(lights))

    def permute_action(self, action, perm):
        if isinstance(action, Serve):
            return Serve(action.client, perm["desks"][action.desk])
        return action

    @eventually("Each Client Served", each="client")
    def each_client_served(self, s):
        return {f"c{client}": not waiting or Fails(f"c{client} is waiting")
                for client, waiting in enumerate(s.waiting)}

    @eventually("Each Desk Lit", each="desk")
    def each_desk_lit(self, s):
        """Of each desk: renaming desks swaps them (refused under symmetry)."""
        return {f"d{desk}": light for desk, light in enumerate(s.lights)}


def _set(values: tuple, at: int, value: bool) -> tuple:
    return values[:at] + (value,) + values[at + 1:]
