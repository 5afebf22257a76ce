"""Running code at scale: dialects from the sites' language names, compile once, skipped toolchains counted, and
the Ray executor on a real local Ray cluster giving the local executor's results."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from cpdata.curation.judging.judge import Job, LocalExecutor, ResultCache, input_key, submission_key
from cpdata.curation.judging.verify import verify
from cpdata.curation.sandbox.sandbox import RunLimits, RunStatus, Sandbox, language_supported
from cpdata.curation.sandbox.toolchains import recipe_for
from cpdata.schema import Contest, Language, Problem, Site, Store, Submission, Test, TestKind
from tests.curation.test_sandbox import SANDBOX

SPACESHIP = (  # C++20's three-way comparison: no C++17 compiler accepts it
    "#include <compare>\nstruct P { int a; auto operator<=>(const P&) const = default; };\n"
    "int main() { return P{1} < P{2} ? 0 : 1; }"
)
LIMITS = RunLimits(time_ms=2000)


@pytest.mark.parametrize(
    ("raw", "dialect"),
    [
        ("GNU G++20 11.2.0 (64 bit, winlibs)", "gnu++20"),
        ("GNU G++17 7.3.0", "gnu++17"),
        ("C++23 (GCC 13-64)", "gnu++23"),
        ("C++ 20 (gcc 12.2)", "gnu++20"),
        ("C++14 (GCC 5.4.1)", "gnu++14"),
        ("GNU C++11", "gnu++11"),
        ("C++ (GCC 9.2.1)", "gnu++17"),
        (None, "gnu++17"),
    ],
)
def test_the_cpp_standard_comes_from_the_sites_language_name(raw: str | None, dialect: str) -> None:
    if not language_supported(Language.cpp):
        pytest.skip("g++ is not installed")
    recipe = recipe_for(Language.cpp, "", raw)
    assert recipe is not None and recipe.dialect == dialect and f"-std={dialect}" in recipe.compile  # type: ignore[operator]


def test_pypy_when_installed_else_cpython_and_said_so() -> None:
    recipe = recipe_for(Language.python3, "", "PyPy 3-64")
    assert recipe is not None
    if shutil.which("pypy3"):
        assert recipe.dialect == "pypy3"
    else:
        assert recipe.dialect == "cpython3" and "PyPy is not installed" in recipe.note
    assert recipe_for(Language.haskell, "main = pure ()", "Haskell GHC 8.10") is None


def test_python_2_runs_on_a_python_2_under_usr_or_is_said_missing() -> None:
    """Never under Python 3: a Python 2 program crashing there would be a verdict about our machine, not the program."""
    from cpdata.curation.sandbox.toolchains import missing_toolchain

    recipe = recipe_for(Language.python2, "print 1", "Python 2 (package)")
    installed = [tool for tool in ("python2", "pypy") if shutil.which(tool, path="/usr/local/bin:/usr/bin:/bin")]
    if installed:
        assert recipe is not None and recipe.run[0] == installed[0] and "python3" not in recipe.run
    else:
        assert recipe is None and missing_toolchain(Language.python2) == "no python2 or pypy installed under /usr"


def test_a_cpp20_solution_compiles_as_cpp20_and_not_as_cpp17() -> None:
    if not language_supported(Language.cpp):
        pytest.skip("g++ is not installed")
    as20 = SANDBOX.prepare(Language.cpp, SPACESHIP, language_raw="GNU G++20 11.2.0 (64 bit, winlibs)")
    as17 = SANDBOX.prepare(Language.cpp, SPACESHIP, language_raw="GNU G++17 7.3.0")
    try:
        assert as20.ok and SANDBOX.run(as20, b"", LIMITS).status is RunStatus.ok
        assert not as17.ok and as17.compile_result is not None and as17.compile_result.status is RunStatus.compile_error
    finally:
        SANDBOX.cleanup(as20)
        SANDBOX.cleanup(as17)


# intergalacticbidding's accepted bjarki_strings.cpp (NCPC 2018): its own size() is ambiguous with std::size from C++17
OLD_SIZE = """#include <iostream>
#include <string>
using namespace std;
template <class T> int size(const T &x) { return x.size(); }
int main() { string s = "abc"; cout << size(s) << endl; }
"""


def test_a_package_solution_that_c_plus_plus_20_rejects_builds_as_the_judges_of_its_day_built_it() -> None:
    if not language_supported(Language.cpp):
        pytest.skip("g++ is not installed")
    package = SANDBOX.prepare(Language.cpp, OLD_SIZE, language_raw="C++20 (package)")  # the jury named no standard
    site = SANDBOX.prepare(Language.cpp, OLD_SIZE, language_raw="GNU G++20 11.2.0")  # the site named C++20: kept
    try:
        assert package.ok and SANDBOX.run(package, b"", LIMITS).stdout == b"3\n"
        assert not site.ok and site.compile_result is not None and "ambiguous" in site.compile_result.stderr
    finally:
        SANDBOX.cleanup(package)
        SANDBOX.cleanup(site)


def test_a_build_is_compiled_once_and_shared(tmp_path: Path) -> None:
    code = '#include <cstdio>\nint main(){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a*b+' + str(time.time_ns()) + "%7);}"
    with Sandbox() as first, Sandbox() as second:  # two sandboxes, as two runs (or two processes) would have
        started = time.monotonic()
        built = first.prepare(Language.cpp, code)
        compiled_in = time.monotonic() - started
        started = time.monotonic()
        again = second.prepare(Language.cpp, code)
        cached_in = time.monotonic() - started
        broken = first.prepare(Language.cpp, code + " nonsense")
        broken_again = second.prepare(Language.cpp, code + " nonsense")
        assert not built.from_cache and again.from_cache and again.ok
        assert first.run(built, b"6 7\n", LIMITS).stdout == second.run(again, b"6 7\n", LIMITS).stdout
        assert cached_in < compiled_in / 3
        assert broken_again.from_cache and broken_again.compile_result is not None
        assert broken_again.compile_result.status is RunStatus.compile_error and "nonsense" in broken_again.compile_result.stderr
        for program in (built, again, broken, broken_again):
            first.cleanup(program)


def _store_with_languages(path: Path) -> Store:
    store = Store(path)
    key = {"site": Site.codeforces, "contest_id": "1", "index": "A"}
    store.write([Contest(site=Site.codeforces, contest_id="1", name="c"), Problem(**key, name="p", time_limit_ms=1000)])
    store.write([Test(**key, kind=TestKind.public, ordinal=i, input=f"{i} {i}\n", output=f"{2 * i}\n") for i in range(6)])
    solutions = [
        ("1", "GNU G++20 11.2.0", '#include <cstdio>\nint main(){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);}', "OK"),
        ("2", "Python 3", "a, b = map(int, input().split())\nprint(a + b)", "OK"),
        ("3", "Python 3", "a, b = map(int, input().split())\nprint(a - b)", "WRONG_ANSWER"),
        ("4", "Haskell GHC 8.10", "main = interact id", "OK"),
        ("5", "Haskell GHC 8.10", "main = interact id", "WRONG_ANSWER"),
    ]
    store.write(
        [Submission(**key, submission_id=i, language_raw=raw, source_code=code, verdict_raw=v) for i, raw, code, v in solutions]
    )
    return store


def test_a_missing_toolchain_is_skipped_and_counted(tmp_path: Path) -> None:
    with _store_with_languages(tmp_path / "s.sqlite") as store:
        summary = verify(store, executor=LocalExecutor(2, SANDBOX))
    assert summary.solutions == 3 and summary.agree == 3
    assert summary.skipped == {"haskell (haskell is not supported)": 2}


def test_the_ray_executor_gives_the_local_results_on_a_real_local_cluster(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="Ray is an optional extra (pip install 'cpdata[ray]')")
    from cpdata.curation.judging.ray_executor import RayExecutor

    with _store_with_languages(tmp_path / "local.sqlite") as local_store:
        local = verify(local_store, executor=LocalExecutor(2, SANDBOX))
    executor = RayExecutor(num_cpus=2)
    try:
        import ray

        assert ray.is_initialized() and len(ray.nodes()) == 1  # a real cluster of this machine's processes
        with _store_with_languages(tmp_path / "ray.sqlite") as ray_store:
            distributed = verify(ray_store, executor=executor)
            rows = ray_store.run_sql("SELECT submission_id, outcome, tests_run, tests_passed FROM verification ORDER BY 1")[1]
        with Store(tmp_path / "local.sqlite") as local_store:
            expected = local_store.run_sql("SELECT submission_id, outcome, tests_run, tests_passed FROM verification ORDER BY 1")[
                1
            ]
            cached = ResultCache(local_store)
            jobs = [Job("x", Language.python3, "print(1)", [(input_key(""), "")], LIMITS)]
            remote = list(executor.run(jobs))
    finally:
        executor.shutdown()
    assert rows == expected and len(rows) == 3
    assert (distributed.agree, distributed.disagree) == (local.agree, local.disagree)
    assert executor.sandbox_mode == SANDBOX.mode
    assert remote[0].outcomes[input_key("")].output == "1\n" and cached is not None


def test_two_dialects_of_one_source_are_two_solutions_in_the_results_cache() -> None:
    def submission(raw: str) -> Submission:
        return Submission(site=Site.codeforces, submission_id="1", contest_id="1", index="A", language_raw=raw, source_code="x")

    assert submission_key(submission("GNU G++20")) != submission_key(submission("GNU G++17"))
    assert submission_key(submission("GNU G++17 7.3.0")) == submission_key(submission("C++17 (GCC 9)"))
