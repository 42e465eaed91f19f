"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from ipcity.reports.model import ReportData
from tests.support.report_samples import sample_report_data


@pytest.fixture
def report_data() -> ReportData:
    return sample_report_data()
