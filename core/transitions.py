"""Declared state machines (docs/conventions.md, "State machines").

Every stateful model declares its life cycle once, as a table::

    class Project(models.Model):
        class Status(models.TextChoices): ...
        transitions = StateMachine("status", [
            Transition("publish", [Status.DRAFT], Status.PUBLISHED,
                       "project.published", _("Project published")),
            ...
        ])

and services move it with one call, holding the row lock::

    transition(project, "publish", actor=actor, data={...}, fields=["published_at"])

which refuses a move the table does not allow (``Conflict`` with the transition's message),
sets the new state, saves the state field with ``fields``, and writes the audit event whose
action type the table declared. The action types and their labels are registered in the audit
registry when the model is defined, so the audit trail can show a label for every entry.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.audit import audit_record, register_actions
from core.errors import Conflict


@dataclass(frozen=True)
class Transition:
    """One move of a life cycle: from any of ``sources`` to ``target``, audited as ``action``
    (labelled ``label``); ``message`` is the refusal when the object is in another state."""

    name: str
    sources: Iterable[str]
    target: str
    action: str
    label: object
    message: object = None

    def __post_init__(self):
        # TextChoices members compare as their values; store plain strings.
        object.__setattr__(self, "sources", tuple(str(s) for s in self.sources))
        object.__setattr__(self, "target", str(self.target))


class StateMachine:
    """The transition table of one state field; registers its action codes with their labels."""

    def __init__(self, state_field: str, transitions: Iterable[Transition]):
        self.field = state_field
        self.table: dict[str, Transition] = {}
        for t in transitions:
            if t.name in self.table:
                raise ValueError(f"transition {t.name!r} declared twice")
            self.table[t.name] = t
        register_actions({t.action: t.label for t in self.table.values()})

    def __getitem__(self, name: str) -> Transition:
        return self.table[name]

    def allowed(self, obj, name: str) -> bool:
        return str(getattr(obj, self.field)) in self.table[name].sources

    def names_from(self, state: str) -> list[str]:
        """The transitions that may start from ``state`` (for docs and buttons)."""
        return [t.name for t in self.table.values() if str(state) in t.sources]

    def check(self, obj, name: str) -> Transition:
        t = self.table[name]
        if str(getattr(obj, self.field)) not in t.sources:
            raise Conflict(t.message or _("This cannot be done in the current state."),
                           code="wrong_state")
        return t


def transition(obj, name: str, *, actor, data: dict | None = None, fields: Iterable[str] = (),
               audit: bool = True) -> Transition:
    """Apply transition ``name`` of ``type(obj).transitions`` to ``obj``, which the caller has
    locked inside its transaction: check, set the state, save the state and ``fields``, audit.

    ``audit=False`` is for the one caller that writes the event itself, together with others,
    through ``audit_record_many``; it gets the transition back to name the action."""
    machine: StateMachine = type(obj).transitions
    t = machine.check(obj, name)
    before = str(getattr(obj, machine.field))
    setattr(obj, machine.field, t.target)
    update = [machine.field, *fields]
    if hasattr(obj, "modified"):
        update.append("modified")
    obj.save(update_fields=list(dict.fromkeys(update)))
    if audit:
        payload = {machine.field: [before, t.target]}
        payload.update(data or {})
        audit_record(actor=actor, action=t.action, obj=obj, data=payload)
    return t
