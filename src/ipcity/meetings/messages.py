"""Translatable texts of the meetings and the portal: their keys are in the meetings'
``locale/<locale>/LC_MESSAGES/keys.po`` and render through the one lookup of
:mod:`ipcity.workspace.messages` (which also renders the workspace's keys, such as
``field.required``). A test checks that every key used in the package exists in both
languages with the same placeholders.
"""

from __future__ import annotations

from ipcity.workspace.messages import LOCALES, both, label, render

__all__ = ["LOCALES", "both", "label", "render"]
