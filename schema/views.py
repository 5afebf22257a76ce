"""SQL views for users of the store. They are documented in the README ("SQL") and rebuilt at every migration.

Written in the SQL that SQLite and PostgreSQL share, so the same queries run on either store.
"""

from __future__ import annotations

__all__ = ["VIEWS", "VIEW_ABOUT"]

_PROBLEM_MATCH = 'x.site = p.site AND x.contest_id = p.contest_id AND x."index" = p."index"'


def _count(table: str, condition: str) -> str:
    return f"(SELECT COUNT(*) FROM {table} x WHERE {_PROBLEM_MATCH} AND {condition})"


VIEWS: dict[str, str] = {
    "problem_dated": """
        SELECT p.*, c.name AS contest_name, COALESCE(c.start_time, p.published_at) AS release_time
        FROM problem p JOIN contest c ON c.site = p.site AND c.contest_id = p.contest_id
    """,
    "problem_overview": f"""
        SELECT p.site, p.contest_id, p."index", p.problem_id, p.name, p.rating, p.difficulty,
               p.time_limit_ms, p.memory_limit_bytes, p.interactive,
               COALESCE(c.start_time, p.published_at) AS release_time,
               {_count("test", "x.kind = 'public'")} AS public_tests,
               {_count("test", "x.kind = 'private'")} AS private_tests,
               {_count("test", "x.kind = 'generated'")} AS generated_tests,
               {_count("submission", "x.is_correct AND x.source_code IS NOT NULL")} AS solutions,
               {_count("submission", "NOT x.is_correct AND x.source_code IS NOT NULL")} AS incorrect_solutions,
               {_count("submission", "1 = 1")} AS submissions
        FROM problem p JOIN contest c ON c.site = p.site AND c.contest_id = p.contest_id
    """,
    "solutions_by_language": """
        SELECT site, language,
               SUM(CASE WHEN is_correct THEN 1 ELSE 0 END) AS accepted,
               SUM(CASE WHEN NOT is_correct THEN 1 ELSE 0 END) AS rejected,
               SUM(CASE WHEN is_correct IS NULL THEN 1 ELSE 0 END) AS undecided,
               SUM(CASE WHEN source_code IS NOT NULL AND is_correct THEN 1 ELSE 0 END) AS accepted_with_source,
               SUM(CASE WHEN source_code IS NOT NULL AND NOT is_correct THEN 1 ELSE 0 END) AS rejected_with_source
        FROM submission GROUP BY site, language
    """,
    "problem_duplicates": """
        SELECT k.site, k.contest_id, k."index",
               CASE WHEN k.exact_group IS NOT NULL THEN 'exact' ELSE 'near' END AS kind,
               COALESCE(k.exact_group, k.cluster) AS duplicate_of, k.cluster, k.similarity, k.cluster_release
        FROM problem_cluster k
        WHERE COALESCE(k.exact_group, k.cluster) <> (k.site || '/' || k.contest_id || '/' || k."index")
    """,
    "verification_disagreements": """
        SELECT v.site, v.submission_id, s.contest_id, s."index", s.language, s.language_raw, s.verdict AS site_verdict,
               v.outcome, v.tests_run, v.tests_passed, v.first_failure
        FROM verification v JOIN submission s ON s.site = v.site AND s.submission_id = v.submission_id
        WHERE v.agrees = FALSE
    """,
    "verification_summary": """
        SELECT s.site, s.language, s.is_correct AS site_correct, COUNT(*) AS verified,
               SUM(CASE WHEN v.agrees THEN 1 ELSE 0 END) AS agree,
               SUM(CASE WHEN v.agrees = FALSE THEN 1 ELSE 0 END) AS disagree
        FROM verification v JOIN submission s ON s.site = v.site AND s.submission_id = v.submission_id
        GROUP BY s.site, s.language, s.is_correct
    """,
    "verdict_counts": """
        SELECT site, verdict, verdict_raw, COUNT(*) AS submissions
        FROM submission GROUP BY site, verdict, verdict_raw
    """,
}

# What each view holds, for the README and ``cpdata sql --help`` (a test keeps it in step with VIEWS).
VIEW_ABOUT: dict[str, str] = {
    "problem_dated": "One row per problem with the date that decides its split (contest start, else the problem's own date).",
    "problem_overview": "A problem with its counts of tests by kind and of solutions with source code by correctness.",
    "solutions_by_language": "Accepted and rejected submissions per site and language family (with and without source code).",
    "problem_duplicates": "Each problem that has a twin, the twin it is filed under, and how alike they are (exact or near).",
    "verification_disagreements": (
        "Solutions where our run disagrees with the site's verdict (an accepted solution that now fails shows "
        "environment differences; a rejected one that passes shows weak tests)."
    ),
    "verification_summary": "Agreement with the site's verdicts per site, language and outcome.",
    "verdict_counts": "How often each normalized verdict occurs, with the raw spellings folded into it.",
}
