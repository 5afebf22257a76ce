"""The report renders; every plot is a real PNG with the series its data has."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from cpdata.curation.report import write_report
from cpdata.curation.steps.pipeline import CurationOptions
from cpdata.schema import Store
from tests.curation.test_curation import _plant


def test_report_writes_a_card_an_html_page_and_real_images(sqlite_store: Store, tmp_path: Path) -> None:
    _plant(sqlite_store)
    summary = write_report(sqlite_store, tmp_path / "report", CurationOptions())
    out = tmp_path / "report"
    plots = {p["file"]: p for p in summary["plots"]}
    assert set(plots) == {
        "problems_per_month.png",
        "rating_distribution.png",
        "tests_per_problem.png",
        "solutions_per_problem.png",
        "split_sizes.png",
        "curation_drops.png",
        "test_strength.png",
    }
    for name in plots:
        with Image.open(out / name) as image:
            assert image.format == "PNG" and image.width > 300 and image.height > 200
            assert len(image.getcolors(maxcolors=1 << 16) or range(1000)) > 3  # something was drawn, not a blank canvas
    # series follow the data: the AtCoder copy was merged into its Codeforces original, so one site is left
    assert plots["problems_per_month.png"]["series"] == ["codeforces"]
    assert plots["rating_distribution.png"]["series"] == ["codeforces"]
    assert plots["tests_per_problem.png"]["series"] == ["public", "private", "generated"]
    assert plots["solutions_per_problem.png"]["series"] == ["correct", "incorrect"]
    assert plots["split_sizes.png"]["series"] == ["codeforces"]  # 1001A and abc900D were merged into 1000C
    assert plots["curation_drops.png"]["bars"] == 7  # every (step, reason, part) with a drop is one bar
    assert summary["plots"][0]["file"] == "test_strength.png"  # the first screen: what the tests are worth
    months = plots["problems_per_month.png"]["months"]
    assert months[0] == "2021-03" and months[-1] == "2021-10" and len(months) == 8  # empty months shown, not skipped
    assert plots["test_strength.png"]["groups"] == 0  # nothing ran: the panels say so instead of drawing zeros
    assert summary["splits"] == {"train": {"codeforces": 3}, "valid": {}, "test": {"codeforces": 1}}
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 7 and "<table>" in html
    card = (out / "README.md").read_text()
    assert card.index("## Test strength") < card.index("## Splits") and "Not measured yet" in card
    assert "![Split sizes](split_sizes.png)" in card and "| merge_exact_duplicates | 6 → 4 |" in card
    assert json.loads((out / "report.json").read_text())["problems"] == 4
