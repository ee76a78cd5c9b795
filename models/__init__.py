"""The bundled protocol models, registered by name (the `model:` of a spec).

Each model is a `checker.Model` subclass in its own module; add it to
`REGISTRY` below, one line each.
"""

from __future__ import annotations

from checker.model import Model

REGISTRY: dict[str, type[Model]] = {}


def register(model: type[Model]) -> type[Model]:
    REGISTRY[model.name] = model
    return model


# One import per bundled model; each module registers itself with @register.
from models import paxos  # noqa: F401
from models import raft  # noqa: F401
from models import paxos_textbook  # noqa: F401
