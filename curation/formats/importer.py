"""``cpdata import codecontests PATH``: an existing CodeContests-format dataset into the store.

Reads the Parquet layout of its Hugging Face copy (a directory of ``*.parquet`` files, any depth) or our own export
(JSONL or Parquet, with cpdata's extra fields), so that a user can merge it with fresh scrapes and re-split the
whole. Our own export comes back exactly (import, export again: the same records). A DeepMind record has no site
key or date: Codeforces problems are keyed by ``cf_contest_id``/``cf_index`` (so they meet scraped ones), others by
a hash of their name under a contest named ``codecontests``; their dates stay unknown (so they stay in train).
By default an import only fills what the store does not know yet: it never overwrites scraped values.

DeepMind's records keep what they say: their ``difficulty`` (in ``category`` as ``codecontests:N``), every solution
whatever its language (the export's language filter decides later, as for any problem), and their split: a record
from its ``valid``/``test`` files gets ``split_floor`` and never lands in our train, even without a date. A file
that is not CodeContests records (a Parquet file of other columns) stops the import with its name, before
anything is stored from it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from cpdata.curation.formats.codecontests import (
    IMPORTED_DIFFICULTY,
    LANGUAGE,
    SOURCE,
    check_codecontests_files,
    iter_codecontests_rows,
    split_of_file,
)
from cpdata.schema import Contest, Language, Problem, Site, Store, Submission, Test, TestKind, TestOrigin, to_utc

__all__ = ["ImportReport", "import_codecontests"]

_SITE_OF_SOURCE = {value: site for site, value in SOURCE.items() if site is not Site.yukicoder and value}
_FAMILY_OF_ENUM = {value: family for family, value in LANGUAGE.items()}


@dataclass
class ImportReport:
    records: int = 0
    by_file: Counter[str] = field(default_factory=Counter)
    stored: Counter[str] = field(default_factory=Counter)
    by_site: Counter[str] = field(default_factory=Counter)


def _site(row: dict[str, Any]) -> Site:
    if row.get("site"):
        return Site(row["site"])
    return _SITE_OF_SOURCE.get(int(row.get("source") or 0), Site.unknown)


def _key(row: dict[str, Any], site: Site) -> tuple[str, str]:
    if row.get("contest_id") and row.get("index"):
        return str(row["contest_id"]), str(row["index"])
    if site is Site.codeforces and row.get("cf_contest_id") and row.get("cf_index"):
        return str(row["cf_contest_id"]), str(row["cf_index"])
    digest = hashlib.sha1(f"{row.get('name')}\n{row.get('description')}".encode()).hexdigest()[:12]
    return "codecontests", digest


def _tests(site: Site, contest_id: str, index: str, kind: TestKind, field_value: dict[str, Any] | None) -> list[Test]:
    field_value = field_value or {}
    pairs = zip(field_value.get("input") or [], field_value.get("output") or [], strict=False)
    return [
        Test(site=site, contest_id=contest_id, index=index, kind=kind, ordinal=n, input=i, output=o, origin=TestOrigin.imported)
        for n, (i, o) in enumerate(pairs)
    ]


def _mark_validation(generated: list[Test], row: dict[str, Any]) -> None:
    """What validated each generated test, as our export says it; DeepMind's generated tests were mutations that
    nothing validated (CodeContests paper, section 3.2.1), so they are ``none``."""
    label = row.get("generated_tests_validation")
    known: Literal["jury validator", "inferred specification", "none"] = (
        label if label in ("jury validator", "inferred specification") else "none"
    )
    flags = row.get("generated_tests_validated") or []
    for position, test in enumerate(generated):
        validated = flags[position] if position < len(flags) else known != "none"
        test.validated_by = known if validated else "none"


def _solutions(site: Site, contest_id: str, index: str, field_value: dict[str, Any] | None, correct: bool) -> list[Submission]:
    field_value = field_value or {}
    out = []
    for position, (language, code) in enumerate(
        zip(field_value.get("language") or [], field_value.get("solution") or [], strict=False)
    ):
        # Ids keep the dataset's order (the export orders solutions by date, then id; imported ones have no date).
        digest = hashlib.sha1(code.encode()).hexdigest()[:10]
        outcome = "ok" if correct else "no"
        out.append(
            Submission(
                site=site,
                submission_id=f"cc-{contest_id}-{index}-{outcome}-{position:06d}-{digest}",
                contest_id=contest_id,
                index=index,
                language_raw=f"codecontests:{language}",
                language=_FAMILY_OF_ENUM.get(int(language), Language.other),
                verdict_raw="codecontests:correct" if correct else "codecontests:incorrect",
                verdict="accepted" if correct else "other",
                is_correct=correct,
                source_code=code,
            )
        )
    return out


def _entities(row: dict[str, Any], file_split: str | None) -> list[Any]:
    site = _site(row)
    deepmind = "site" not in row  # DeepMind's own record, not an export of ours (which carries its site and date)
    contest_id, index = _key(row, site)
    published = row.get("published_at")
    if isinstance(published, str):
        published = datetime.fromisoformat(published)
    published = to_utc(published)
    time_limit = row.get("time_limit") or {}
    limit_ms = row.get("time_limit_ms")
    if limit_ms is None and time_limit:
        limit_ms = int(time_limit.get("seconds") or 0) * 1000 + int(time_limit.get("nanos") or 0) // 1_000_000
    is_cf = site is Site.codeforces
    name = row.get("name") or None
    prefix = f"{contest_id}_{index}. "
    if is_cf and name and name.startswith(prefix):
        name = name.removeprefix(prefix)  # CodeContests names Codeforces problems "1368_A. C+="
    problem = Problem(
        site=site,
        contest_id=contest_id,
        index=index,
        problem_id=row.get("problem_id"),
        name=name,
        statement=row.get("description") or None,
        untranslated_statement=row.get("untranslated_description") or None,
        statement_language=row.get("statement_language"),
        time_limit_ms=limit_ms,
        memory_limit_bytes=row.get("memory_limit_bytes") or None,
        input_file=row.get("input_file") or None,
        output_file=row.get("output_file") or None,
        interactive=row.get("interactive"),
        rating=row.get("rating") if "rating" in row else (row.get("cf_rating") or None),
        difficulty=row.get("site_difficulty"),
        tags=list((row.get("tags") if "tags" in row else row.get("cf_tags")) or []),
        points=row.get("points") if "points" in row else (row.get("cf_points") or None),
        url=row.get("url"),
        # DeepMind's records: their difficulty kept as given, and their valid/test problems kept out of our train
        category=f"{IMPORTED_DIFFICULTY}{int(row['difficulty'])}" if deepmind and row.get("difficulty") is not None else None,
        split_floor=file_split if deepmind and file_split in ("valid", "test") else None,
    )
    contest = Contest(site=site, contest_id=contest_id, name=row.get("contest_name"), start_time=published)
    entities: list[Any] = [contest, problem]
    for kind, column in (
        (TestKind.public, "public_tests"),
        (TestKind.private, "private_tests"),
        (TestKind.generated, "generated_tests"),
    ):
        entities += _tests(site, contest_id, index, kind, row.get(column))
    _mark_validation([e for e in entities if isinstance(e, Test) and e.kind == TestKind.generated], row)
    entities += _solutions(site, contest_id, index, row.get("solutions"), True)
    entities += _solutions(site, contest_id, index, row.get("incorrect_solutions"), False)
    return entities


def import_codecontests(store: Store, path: Path, *, overwrite: bool = False, batch_size: int = 2000) -> ImportReport:
    check_codecontests_files(path)  # refuse foreign files before storing anything
    report = ImportReport()
    batch: list[Any] = []
    for file, row in iter_codecontests_rows(path):
        entities = _entities(row, split_of_file(file))
        batch += entities
        report.records += 1
        report.by_file[file.name] += 1
        report.by_site[entities[1].site.value] += 1
        if len(batch) >= batch_size:
            report.stored.update(store.write(batch, fill_only=not overwrite)[0])
            batch = []
    if batch:
        report.stored.update(store.write(batch, fill_only=not overwrite)[0])
    return report
