"""Fairness: the conditions a spec's `fairness:` names, as bits of steps.

A family is an action name (``Deliver``), optionally with fields
(``Deliver(p=0)``, as the step prints the value or as the value itself;
``Deliver(p=*)`` for one condition per value of p), or an action name with
``(*)`` for each of its instances apart (one condition per distinct action:
per message channel, say). Families joined by ``|`` are one condition over
their disjunction, as TLA+'s ``WF_vars(A \\/ B)``, which is neither
stronger nor weaker than ``WF_vars(A) /\\ WF_vars(B)``; ``*`` alone is every
action (``WF_vars(Next)``). `Fairness.mask` gives the conditions a step
takes, for `checker.liveness` to check loops against.
"""

from __future__ import annotations

import re
from typing import Any, Callable, NamedTuple

from checker.errors import SpecError
from checker.model import Model, action_name, action_text, jsonable

FAMILY = re.compile(r"^([A-Za-z_]\w*)(?:\((.*)\))?$", re.DOTALL)


def _split(text: str, separator: str) -> list[str]:
    """`text` split at each `separator` outside brackets, so that a field's
    value may be a tuple or a set (``Go(b=(1, 0))``). None if its brackets
    do not balance."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(text):
        depth += (char in "([{") - (char in ")]}")
        if depth < 0:
            return None
        if char == separator and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    return parts + [text[start:]] if depth == 0 else None


def _args_as_written(action: Any, named: Callable[[Any], dict[str, Any]] | None = None
                     ) -> dict[str, tuple[tuple[str, ...], str]]:
    """Each field of `action`: the ways a fairness family may give it,
    without spaces (as its value prints, ``i=0``, and as the step prints it,
    ``Timeout(i=s1)``), and the latter as printed. A field holding a record
    (a message the step receives) gives its fields too, by path
    (``ReceiveReply(m.client=c0)``), each also as `named` (the model's
    `action_view`, applied to the record) names it: a record's text may
    leave fields out (its sender and receiver as an arrow, ``s1→c0``)."""
    as_dict = getattr(action, "_asdict", None)
    return _fields_as_written(as_dict() if as_dict else {}, action_text(action), {}, named)


def _fields_as_written(values: dict[str, Any], text: str, names: dict[str, Any],
                       named: Callable[[Any], dict[str, Any]] | None,
                       prefix: str = "") -> dict[str, tuple[tuple[str, ...], str]]:
    printed: dict[str, str] = {}
    if text.endswith(")") and "(" in text:
        for field in _split(text[text.index("(") + 1:-1], ",") or ():
            name, _, value = field.strip().partition("=")
            printed[name] = value
    fields = {}
    for k, v in values.items():
        value = str(jsonable(v))  # (as `action_args` gives it)
        shown = printed.get(k, str(names.get(k, value)))
        forms = {value.replace(" ", ""), shown.replace(" ", ""),
                 str(names.get(k, value)).replace(" ", "")}
        fields[prefix + k] = (tuple(forms), shown)
        if hasattr(v, "_asdict") and not isinstance(v, type):
            fields.update(_fields_as_written(v._asdict(), shown, named(v) if named else {},
                                             named, f"{prefix}{k}."))
    return fields


class Member(NamedTuple):
    """One action family of a fairness condition (a condition over several,
    ``A | B``, is over their disjunction, as ``WF_vars(A \\/ B)``)."""

    name: str                   # an action's name; "*": every action (Next)
    wanted: dict[str, str]      # fields given a value (``Timeout(i=s1)``)
    starred: tuple[str, ...]    # fields given ``*``: a condition per value apart
    each: bool                  # ``(*)``: a condition per instance apart

    def __str__(self) -> str:
        return self.text(dict.fromkeys(self.starred, "*"))

    def text(self, values: dict[str, str]) -> str:
        """The member as written, its starred fields given `values`."""
        if self.name == "*":
            return "every action (*)"
        fields = [f"{k}={v}" for k, v in self.wanted.items()] + [
            f"{k}={values[k]}" for k in self.starred]
        inside = "*" if self.each else ", ".join(fields)
        return f"{self.name}({inside})" if inside else self.name


def member_matches(member: Member, action: Any,
                   named: Callable[[Any], dict[str, Any]] | None = None) -> bool:
    """Whether a step of `action` is one of `member`'s family: its name
    (or ``*``), and each field given a value, as the step prints it or as
    the value itself (a field given ``*`` only has to be there)."""
    if member.name not in (action_name(action), "*"):
        return False
    if member.each or not (member.wanted or member.starred):
        return True
    args = _args_as_written(action, named)
    return (all(k in args and v in args[k][0] for k, v in member.wanted.items())
            and all(k in args for k in member.starred))


def parse_family(model: type[Model] | Model, family: str) -> tuple[Member, ...]:
    """The members of fairness family `family` of `model`: ``*`` (every
    action), or action families joined by ``|``, each an action name,
    optionally with fields (``Deliver(p=0)``, ``Deliver(p=*)`` for each
    value of p apart) or ``(*)`` for each instance apart. ValueError says
    what is wrong."""
    # the class's actions too: one this instance cannot take (a parameter
    # turns it off) is never enabled, so fairness to it holds, as in TLA+
    kind_of_model = model if isinstance(model, type) else type(model)
    names = {kind.__name__: kind for kind in (*kind_of_model.actions, *model.actions)}
    text = family.replace(" ", "")
    if text == "*":
        return (Member("*", {}, (), False),)
    members = []
    parts = _split(text, "|")
    if parts is None:
        raise ValueError(f"{family!r}: its brackets do not balance; give fields as "
                         "Name(field=value), a value as the step prints it")
    for part in parts:
        if not part:
            raise ValueError(f"{family!r} has an empty family; join action families with "
                             "| (A | B), or give * alone for every action")
        match = FAMILY.match(part)
        fields = _split(match.group(2) or "", ",") if match else None
        if fields is None or (names and match.group(1) not in names):
            raise ValueError(
                f"{family!r} is not an action family of model {model.name!r}; give an action "
                f"name ({', '.join(sorted(names))}), optionally with fields, e.g. "
                "Name(node=0) or Name(node=*) for each node apart, or Name(*) for each "
                "instance apart; join families with | for one condition over them all, "
                "or give * for every action")
        kind, each = names.get(match.group(1)), match.group(2) == "*"
        known = getattr(kind, "_fields", None)
        wanted: dict[str, str] = {}
        starred: list[str] = []
        for field in fields if not each else ():
            if not field:
                continue
            name, given, value = field.partition("=")
            # (a path, m.client, names a field of the record a field holds:
            # checked on the steps, whose records say their fields)
            if not given or (known is not None and name.partition(".")[0] not in known):
                raise ValueError(f"{family!r}: {match.group(1)} has no field {name!r}; its "
                                 f"fields: {', '.join(known or ()) or 'none'} (as field=value)")
            if not value:
                raise ValueError(f"{family!r} gives no value for the field {name!r}; give "
                                 "field=value, or field=* for each value apart")
            if name in wanted or name in starred:
                raise ValueError(f"{family!r} gives the field {name!r} twice; give each "
                                 "field once")
            if value == "*":
                starred.append(name)
            else:
                wanted[name] = value
        members.append(Member(match.group(1), wanted, tuple(starred), each))
    if len(members) > 1:
        if any(m.each for m in members):
            raise ValueError(f"{family!r}: (*) takes each instance of one action apart, "
                             "which a condition over several cannot; give the fields that "
                             "tell instances apart as field=* in each (Name(node=*))")
        if len({frozenset(m.starred) for m in members}) > 1:
            raise ValueError(f"{family!r}: give the same fields as field=* in every family "
                             "joined by |, so that each value has one condition")
    return tuple(members)


class Fairness:
    """The fairness conditions as bits: `mask(action)` is the set of
    conditions a step of `action` takes; weak and strong bits apart. A
    condition is the spec's family, or one of its instances: per distinct
    action for ``(*)``, per value of the fields given ``*``."""

    def __init__(self, model: Model, assumed: tuple[tuple[str, str], ...]):
        self.named = model.action_view  # (a record's fields, named as the model names them)
        self.conditions: list[tuple[str, tuple[Member, ...]]] = []
        self.fields: list[str] = []
        renumbered = getattr(model, "renumbered_actions", {})
        for strength, family in assumed:
            # where a spec lists it: fairness.weak[0], ... (`checker.spec`'s order)
            field = f"fairness.{strength}[{sum(c[0] == strength for c in self.conditions)}]"
            try:
                members = parse_family(model, family)
            except ValueError as problem:
                raise SpecError(str(problem), field=field) from None
            for member in members:
                if member.each and member.name in renumbered:
                    # an instance of a quotient's action is not one action of the model
                    raise SpecError(
                        f"{family!r}: {renumbered[member.name]}, so one {member.name} of the "
                        f"graph is not one of the model's; give {member.name} without (*)",
                        field=field)
            self.conditions.append((strength, members))
            self.fields.append(field)
        self.weak = 0
        self.strong = 0
        self.bits: dict[Any, int] = {}  # a condition (family, or family and instance)
        self.labels: list[str] = []
        self._masks: dict[Any, int] = {}
        self._conditions: dict[Any, frozenset] = {}  # `conditions_of`, by action
        self.matched: set[tuple[int, int]] = set()  # members with values some step has
        self.examples: dict[tuple[int, int], str] = {}  # a step of each member's action
        # a model that declares no actions: its families' names are checked on its steps
        self.undeclared = not model.actions
        self.seen_names: set[str] = set()

    @property
    def per_value(self) -> bool:
        """Whether a family is per value or instance, or picks its steps by
        a value: the others (action names, their ``|``, ``*``) are closed
        under renaming whatever renaming does."""
        return any(member.each or member.starred or member.wanted
                   for _, members in self.conditions for member in members)

    def conditions_of(self, action: Any) -> frozenset:
        """The conditions a step of `action` takes, as `mask` gives them bits
        (one per value or instance for a family per value or instance),
        without giving any a bit: under symmetry, a family is one condition
        closed under renaming where a step and its renaming take the same
        (`refuse_renamed`)."""
        known = self._conditions.get((type(action), action))
        if known is None:
            known = self._conditions[type(action), action] = self._conditions_of(action)
        return known

    def _conditions_of(self, action: Any) -> frozenset:
        name, args, keys = action_name(action), None, set()
        for index, (_, members) in enumerate(self.conditions):
            for member in members:
                if member.name not in (name, "*"):
                    continue
                if member.each:
                    keys.add((index, type(action), action))
                elif member_matches(member, action, self.named):
                    args = args if args is not None else _args_as_written(action, self.named)
                    values = tuple(args[k][1] for k in member.starred)
                    keys.add((index, values) if values else index)
        return frozenset(keys)

    def refuse_renamed(self, action: Any, image: Any) -> None:
        """Under symmetry, each family must be one condition closed under
        renaming: its steps, enabled or taken, are then the same at a state
        and at any renaming of it, so a fair loop among representatives
        unrolls into a fair loop of the model (`checker.liveness`). An
        action name (``Deliver``), a ``|`` of those, and ``*`` are; a family
        per value, per instance or picking its steps by a value is where
        the values are not renamed (each client, the servers renamed), and
        refused where they are: renaming turns fairness to one node into
        fairness to another. `image` is `action` renamed: the first family
        that tells them apart is refused, in one line."""
        apart = self.conditions_of(action) ^ self.conditions_of(image)
        if not apart:
            return
        index = min(key if isinstance(key, int) else key[0] for key in apart)
        members = self.conditions[index][1]
        written = " | ".join(map(str, members))
        alone = " | ".join(dict.fromkeys(member.name for member in members))
        fix = (f"name the action as one (`{alone}`) or remove symmetry: from the spec "
               "(or pass --no-symmetry)")
        for member in members:
            if member.each:
                why = f"is to each instance of {member.name} apart"
            elif member.starred:
                why = f"is to each {', '.join(member.starred)} apart"
            elif member.wanted:
                why = ("picks its steps by a value ("
                       + ", ".join(f"{k}={v}" for k, v in member.wanted.items()) + ")")
            else:
                continue
            raise SpecError(f"fairness `{written}` {why}, which symmetry does not keep: "
                            f"{fix}", field=self.fields[index])

    def refuse_unmatched(self) -> None:
        """Once every step was seen: a family with values that no step has
        is a misspelt value (``Timeout(i=s9)``), which would leave its steps
        unfair and report a lasso the spec meant to exclude."""
        for index, (_, members) in enumerate(self.conditions):
            for place, member in enumerate(members):
                if self.undeclared and member.name != "*" and (index, place) not in \
                        self.examples:
                    raise SpecError(
                        f"{member.name!r} is the name of no step of the reachable "
                        f"states (theirs: {', '.join(sorted(self.seen_names)) or 'none'}); "
                        "give an action's class name, or declare the model's actions "
                        "(actions = (...)) to have names checked when the spec loads",
                        field=self.fields[index])
                # (a value, or a path into a record, no step has: misspelt;
                # where the action has no step at all, the member asks
                # nothing however it is spelt, as WF of an action never
                # enabled in TLA+: the verdict is the same either way)
                if (member.wanted or any("." in k for k in member.starred)) and \
                        (index, place) not in self.matched:
                    example = self.examples.get((index, place))
                    if example is None:
                        continue
                    raise SpecError(
                        f"{member} is no step of the reachable states; "
                        f"give values as the steps print them ({example}), or the action "
                        "name alone", field=self.fields[index])

    def mask(self, action: Any) -> int:
        # keyed by type too: actions are tuples, and Work() == Idle() == ()
        known = self._masks.get((type(action), action))
        if known is not None:
            return known
        mask = 0
        name, args = action_name(action), None
        self.seen_names.add(name)
        for index, (strength, members) in enumerate(self.conditions):
            for place, member in enumerate(members):
                if member.name not in (name, "*"):
                    continue
                self.examples.setdefault((index, place), action_text(action))
                if member.each:
                    key, label = (index, type(action), action), action_text(action)
                else:
                    if not member_matches(member, action, self.named):
                        continue
                    args = args if args is not None else _args_as_written(action, self.named)
                    self.matched.add((index, place))
                    values = tuple(args[k][1] for k in member.starred)
                    key = (index, values) if values else index
                    label = " | ".join(m.text(dict(zip(m.starred, values))) for m in members)
                bit = self.bits.get(key)
                if bit is None:
                    bit = self.bits[key] = 1 << len(self.bits)
                    self.labels.append(f"{strength} fairness to {label}")
                    if strength == "weak":
                        self.weak |= bit
                    else:
                        self.strong |= bit
                mask |= bit  # (once, however many of its members a step is of)
        self._masks[type(action), action] = mask
        return mask
