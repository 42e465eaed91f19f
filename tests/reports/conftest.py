"""Fixtures of the report tests."""

from __future__ import annotations

import pytest
from report_samples import sample_report_data

from ipcity.reports.model import ReportData


@pytest.fixture
def report_data() -> ReportData:
    return sample_report_data()
