"""The evaluation's wording is in its catalogue (evaluation/locale/*/LC_MESSAGES/keys.po):
the keys built at run time (a class, a projection method, the English singular) have a text
in both languages; the catalog check sees only keys written literally."""

from __future__ import annotations

import pytest

from ipcity.evaluation.midterm import STATUSES, status_label
from ipcity.evaluation.project import Projection
from ipcity.evaluation.project_text import METHODS, Lang, basis, method_label
from ipcity.i18n import area_keys

EVALUATION_KEYS = area_keys("evaluation")


def _both(key: str) -> tuple[str, str]:
    zh, en = EVALUATION_KEYS.get(key, ("", ""))
    assert zh and en, f"{key} lacks a text in zh or en"
    return zh, en


@pytest.mark.parametrize("status", STATUSES)
def test_every_class_has_its_words(status: str) -> None:
    zh, en = _both(f"midterm_status.{status}")
    assert status_label(status, "zh") == zh  # type: ignore[arg-type]
    assert status_label(status, "en") == en  # type: ignore[arg-type]


def test_class_words() -> None:
    assert status_label("on_track", "zh") == "基本符合进度"
    assert status_label("achieved_early", "en") == "achieved early"
    assert status_label(None, "en") == "—"


@pytest.mark.parametrize("method", METHODS)
def test_every_projection_method_has_its_words(method: str) -> None:
    _both(f"projection.method.{method}")
    p = Projection(method, 2025, None, None, None, None, {})
    assert method_label(p, "zh") == EVALUATION_KEYS[f"projection.method.{method}"][0]


def test_too_few_values_in_english_has_a_singular() -> None:
    for form in ("one", "other"):
        _both(f"projection.insufficient_data.{form}")

    def few(n: int, lang: Lang) -> str:
        years = list(range(2021, 2021 + n))
        p = Projection("insufficient_data", 2025, None, None, None, None, {"years": years})
        return basis(p, lang)

    assert few(1, "en") == "Only 1 yearly value; at least 3 are needed."
    assert few(2, "en") == "Only 2 yearly values; at least 3 are needed."
    assert few(1, "zh") == "只有1个年度值，至少需要3个才能推算。"
    assert basis(Projection("observed", 2022, 1.0, None, None, None, {}), "zh") == (
        "2022年已结束，取实际值。"
    )
