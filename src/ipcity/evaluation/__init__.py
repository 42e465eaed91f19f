"""Evaluation: the mid-term evaluation of a plan (indicators against the straight path, tasks
against time) and the assessment of member units and districts under a scheme.

The core (``midterm``, ``tasks``, ``plan``, ``assessment``, ``scheme``, ``thresholds``) works on
plain dataclasses; ``gather`` fills them from the workspace and the warehouse; ``commands``
adds ``ipcity evaluate`` and ``ipcity assess``. See docs/evaluation.md.
"""
