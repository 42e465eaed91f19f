"""Errors of the meetings and the portal: the workspace's error types, rendered with this
package's catalogue so new keys show in Chinese and English like the workspace's."""

from __future__ import annotations

from typing import Any

from ipcity.meetings.messages import render
from ipcity.workspace.errors import FieldError, InvalidTransition, ValidationError


class MeetingFieldError(FieldError):
    """A FieldError whose key may come from this package's catalogue."""

    def message(self, locale: str = "zh") -> str:
        return render(self.key, self.params, locale)


def field_error(field_name: str, key: str, **params: Any) -> MeetingFieldError:
    return MeetingFieldError(field_name, key, params)


def invalid(field_name: str, key: str, **params: Any) -> ValidationError:
    """A ValidationError (422) with one field error."""
    return ValidationError([field_error(field_name, key, **params)])


class StateError(InvalidTransition):
    """A step the current state does not allow (409): ``prefix`` names the catalogue of states
    and actions (``meeting`` / ``publication`` / ``snapshot``)."""

    key = "error.meeting_state"

    def __init__(self, prefix: str, state: str, action: str) -> None:
        self.prefix = prefix
        if prefix != "meeting":
            self.key = "error.publication_state"
        super().__init__(state, action)
        self.params = {"state": state, "action": action, "kind": prefix}

    def message(self, locale: str = "zh") -> str:
        params = {
            "state": render(f"{self.prefix}_status.{self.state}", None, locale),
            "action": render(f"{self.prefix}_action.{self.transition}", None, locale),
        }
        return render(self.key, params, locale)
