"""The bundled protocol models, registered by name (the `model:` of a spec).

Each model is a `checker.Model` subclass in its own module; add it to
`REGISTRY` below, one line each. A spec may also name a user's model (see
`models.user`): a class in a Python file, ``model: ./my_protocol.py:TwoPhaseCommit``
(the path relative to the spec file), or a model an installed package
registers under the ``cmc.models`` entry point group.
"""

from __future__ import annotations

from checker.model import Model
from models.user import Registry

REGISTRY: Registry = Registry()


def register(model: type[Model]) -> type[Model]:
    REGISTRY[model.name] = model
    return model


# One import per bundled model; each module registers itself with @register.
from models import paxos  # noqa: F401
from models import raft  # noqa: F401
from models import paxos_textbook  # noqa: F401
from models import paxos_liveness  # noqa: F401
from models import lease_election  # noqa: F401
from models import raft_kv  # noqa: F401
