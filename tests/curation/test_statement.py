"""The statement readers (``cpdata.curation.testgen.statement``), each on real sentences quoted from real statements:
CodeChef's problem API (``../shared/real-pages/codechef/corpus``), Codeforces contest pages and the ICPC packages'
LaTeX. The file a sentence comes from is named beside it."""

from __future__ import annotations

from fractions import Fraction

import pytest

from cpdata.curation.testgen.statement.bounds import base_name, read_bounds
from cpdata.curation.testgen.statement.hints import (
    LetterRule,
    alphabets,
    decimals,
    eof_rows,
    letter_rule,
    line_counts,
    primes,
    query_forms,
    speaks_of_cases,
)
from cpdata.curation.testgen.statement.names import index_names, input_names, variable_words
from cpdata.curation.testgen.statement.sections import find_sections
from cpdata.curation.testgen.statement.text import NumberError, number, plain


def _range(text: str, name: str, **options: object) -> tuple[object, object]:
    found = read_bounds(plain(text), **options).get(name)  # type: ignore[arg-type]
    assert found is not None, f"no bound for {name} in {text!r}"
    return found.low, found.high


@pytest.mark.parametrize(
    ("written", "plain_text"),
    [
        ("$1 \\le N \\le 2 \\cdot 10^{5}$", " 1 ≤ N ≤ 2 * 10^5 "),  # TeX (Codeforces, CodeChef)
        ("1 ≤ **N** ≤ **10^{5}**", "1 ≤ N ≤ 10^5 "),  # bold Markdown (CodeChef 2015: LUCKYSTR)
        ("1 ≤ N ≤ 10⁵", "1 ≤ N ≤ 10^5"),  # Unicode superscripts
        ("1 &le; N &le; 10<sup>5</sup>", "1 ≤ N ≤ 10^5"),  # HTML remnants
        ("1 <= N, M <= 100 000", "1 ≤ N, M ≤ 100000"),  # plain text (CARDSHUF), a space between thousands
        ("$h\\cdot{}w \\leq 10^5$", " h* w ≤ 10^5 "),  # lookingforwaldo's LaTeX
        ("1 ≤ **N** ≤ 1 000 000.", "1 ≤ N ≤ 1000000."),  # MIKE2: thousands at the end of a sentence
        ("$1 \\le b <\n10^{1\\,000}$", " 1 ≤ b < 10^1000 "),  # intergalacticbidding: math broken over two lines
    ],
)
def test_one_notation_for_every_way_statements_write_mathematics(written: str, plain_text: str) -> None:
    assert plain(written) == plain_text


def test_numbers_are_evaluated_exactly_and_absurd_ones_are_refused_with_a_reason() -> None:
    assert number("2*10^5") == 200_000 and number("10^9+7") == 1_000_000_007 and number("2^31-1") == 2**31 - 1
    assert number("-10^18") == -(10**18) and number("1e9") == 10**9 and number("1,000,000") == 10**6
    assert number("0.5") == Fraction(1, 2) and number("N") is None and number("") is None
    assert number("10^500") == 10**500  # a big number is a number (a string of digits to generate)
    with pytest.raises(NumberError, match="too large"):
        number("10^(10^9)")


def test_chains_of_relations_bound_every_name_in_them() -> None:
    assert _range("- $1 \\le K \\le N \\le 4\\cdot10^5$", "K") == (1, 400_000)  # SONYASEG: transitively
    found = read_bounds(plain("- $1 \\le K \\le N \\le 4\\cdot10^5$"))
    assert found.ranges["K"].high_exprs == ["N"] and found.ranges["N"].low_exprs == ["K"]
    assert _range("- $0 \\lt c \\le 10^9$", "c") == (1, 10**9)  # CHKPTS: strict, for an integer
    assert _range("- $1 \\le l_i \\le r_i \\le 10^9$ for each valid $i$", "r") == (1, 10**9)
    assert read_bounds(plain("- $1 \\le l_i \\le r_i \\le 10^9$")).ranges["r"].low_exprs == ["l"]
    stq = read_bounds(plain("- $1 \\leq L_{i} \\leq R_{i} \\leq N$")).ranges  # STQ: L is read before R, so N bounds it
    assert stq["L"].high_exprs == ["R", "N"] and stq["R"].low_exprs == ["L"] and stq["R"].high_exprs == ["N"]
    assert read_bounds(plain("$1 \\le a < b < n$")).ranges["a"].high_exprs == ["b - 1", "n - 2"]  # strict, added up
    assert _range("$(1\\leq n,w\\leq3\\cdot10^5)$", "w") == (1, 300_000)  # brickwork: inside brackets
    # RRPLAYER writes two constraints on one line with nothing between them
    assert _range("**1** ≤ **T** ≤ **100** **1** ≤ **N** ≤ **3000**", "N") == (1, 3000)
    assert _range("$1 \\le a \\le 10^9, 1 \\le b \\le 10^9$", "b") == (1, 10**9)  # a comma between two chains
    assert _range("1 ≤ **N** ≤ 100,000", "N") == (1, 100_000)  # a thousands separator is not a comma list
    assert _range("1<=**K_{i}**<=9223372036854775807 (2^63-1)", "K") == (1, 2**63 - 1)  # TSUBSTR
    assert _range("- **1** ≤ **L** ≤ **R** ≤ **1,000,000,000 (10^{9})**", "R") == (1, 10**9)  # PPNUM: not 1
    assert _range("1 ≤ N ≤ 100,000 (10^5)", "N") == (1, 100_000)  # the number again in brackets: not 100
    assert _range("$10^{5} \\ge N \\ge 1$", "N") == (1, 100_000)
    assert _range("An integer t, 1<=t<=100, denoting the number of testcases", "t") == (1, 100)  # FCTRL2: t, then its chain
    assert _range("a, b ≤ 10", "a") == (None, 10)  # a list of names stays a list


def test_absolute_values_lengths_products_and_inequalities() -> None:
    x = read_bounds(plain("- $|x_i|, |y_i| \\le 10^9$ for each valid $i$")).ranges["x"]  # CHKPTS
    assert x.length_high == 10**9  # |x| on an integer is its absolute value; on a string its length
    s = read_bounds(plain("- 1 ≤ **T, |s|** ≤ 10^{5^{}}")).ranges  # CHEFSIGN: a value and a length in one list
    assert (s["T"].low, s["T"].high, s["s"].length_low, s["s"].length_high) == (1, 10**5, 1, 10**5)
    assert read_bounds(plain("$h\\cdot{}w \\leq 10^5$")).assertions == ["h*w <= 100000"]  # lookingforwaldo
    edges = read_bounds(plain("($1 \\leq u, v \\leq n$, $u\\neq v$)")).ranges  # highqualitytree
    assert edges["u"].low == 1 and edges["u"].high_exprs == ["n"] and edges["u"].not_equal == ["v"]
    k = read_bounds(plain("$1 \\leq K \\leq \\min(100, N)$")).ranges["K"]  # ABGAME: min() is two upper bounds
    assert k.high == 100 and k.high_exprs == ["N"]
    assert read_bounds(plain("$1 \\leq A_i, B_i \\leq 2 \\cdot N$")).ranges["A"].high_exprs == ["2*N"]  # ARRT


def test_bounds_in_words_and_sums_over_test_cases() -> None:
    assert _range("N is at most 10^5 and M is between 1 and 100, inclusive.", "M") == (1, 100)
    assert _range("N is at most 10^5 and M is between 1 and 100, inclusive.", "N") == (None, 100_000)
    chkpts = read_bounds(plain("- the sum of $N$ over all test cases does not exceed $5 \\cdot 10^5$"))
    assert chkpts.ranges["N"].sum_limit == 500_000
    chefsign = read_bounds(plain("- 1 ≤ Sum of **|s|** over all test cases in a single test file ≤ 10^{6}"))
    assert chefsign.ranges["s"].sum_limit == 10**6


def test_subtasks_widen_and_prose_examples_do_not_bound() -> None:
    # UWCOI20B: a subtask's N ≤ 2 is one of several alternatives, not the problem's bound
    subtasks = "Subtask 1 [15 points] : $N \\leq 2$\n\nSubtask 2 [45 points] : $N \\leq 1000$"
    assert _range(subtasks, "N", widest=True) == (None, 1000)
    # Codeforces 1368A's legend: "performing a += b when a = 2, b = 3" is an example, not a constraint
    legend = 'performing "`a += b`" when `a = `$2$, `b = `$3$ changes the value of `a` to $5$'
    assert read_bounds(plain(legend), equalities=False).get("a") is None
    assert _range("$T = 5$", "T") == (5, 5)


def test_subtask_lines_among_the_constraints_widen_instead_of_narrowing() -> None:
    from cpdata.curation.testgen.statement.reading import read_statement

    puppyct = (  # PUPPYCT's Constraints (the corpus): the overall bounds, then a subtask per line
        "### Input\n\nEach test case starts with a line containing **N** and **K**.\n\n### Constraints\n\n"
        "- **1** ≤ **N** ≤ **10^{6}**\n- **0** ≤ **K** ≤ **10^{5}**\n"
        "- Subtask #1 [22 points]: **1** ≤ **N** ≤ **500**, **0** ≤ **K** ≤ **10^{4}**\n"
        "- Subtask #3 [23 points]: **1** ≤ **N** ≤ **10^{6}**, **0** ≤ **K** ≤ **1**\n"
    )
    bounds = read_statement(puppyct).bounds
    assert (bounds.ranges["N"].high, bounds.ranges["K"].high) == (10**6, 10**5)  # not 500 and 1
    mike2 = (  # MIKE2: no overall bound, only subtasks: the widest holds
        "### Input\n\nThe first line contains **N** and **X**.\n\n### Output\n\nOne line.\n\n"
        "Subtask 2 (21 point): 1 ≤ **N** ≤ 15;  \nSubtask 5 (15 points): 1 ≤ **N** ≤ 1 000 000.\n"
    )
    assert read_statement(mike2).bounds.ranges["N"].high == 10**6
    xetf = (  # XETF: each subtask a heading line with its bounds in the bullets under it
        "### Input\nThe first line of each test case contains **N** and **K**.\n### Constraints\n- **1** ≤ **T** ≤ **128**\n"
        "Subtask 1 (7 points):\n- **1** ≤ **N** ≤ **10^{4}**\n- **0** ≤ **K** ≤ **10^{4}**\nSubtask 2 (10 points):\n"
        "- **1** ≤ **N** ≤ **10^{12}**\n- **K** = **0**\n### Example\n"
    )
    ranges = read_statement(xetf).bounds.ranges
    assert (ranges["T"].high, ranges["N"].high, ranges["K"].low, ranges["K"].high) == (128, 10**12, 0, 10**4)


def test_sections_are_found_by_what_their_headings_mean() -> None:
    codechef = (
        "Story.\n\n###Input:\n- First line $T$.\n\n###Output:\nPrint.\n\n###Constraints \n- $1 \\leq T$\n\n"
        "###Sample Input:\n\t1\n"
    )
    found = find_sections(codechef)  # ABGAME's headings, with colons and no space
    assert found.input == "- First line $T$." and "1 \\leq T" in found.constraints and found.headed
    codeforces = "Legend.\n\n## Input\n\nThe first line $n$.\n\n## Output\n\nx\n\n## Examples\n\n### Input\n\n```\n3\n```\n"
    found = find_sections(codeforces)  # the Examples' own "### Input" is a sample, not the Input section
    assert found.input == "The first line $n$."
    formats = find_sections(
        "## Input Format\n\nA line.\n\n## Constraints\n\n- x\n\n## Subtasks\n\n**Subtask #1 (100 points):** y"
    )
    assert formats.input == "A line." and formats.constraints == "- x" and "Subtask #1" in formats.subtasks
    bold = find_sections("**Input**\n\nTwo numbers.\n\n**Output**\n\nOne.")
    assert bold.input == "Two numbers."
    assert not find_sections("Only a story, 1 ≤ N ≤ 10.").headed
    # the format's own example package is titled "Sample Problem": a title names the problem, it heads no section
    titled = find_sections("# Sample Problem\n\nA story.\n\n## Input\n\nOne integer $N$.\n\n## Output\n\nN + 1")
    assert titled.input == "One integer $N$." and titled.legend == "A story."


def test_the_input_sections_names_in_order_indices_dropped() -> None:
    text = (  # CHKPTS
        "- The first line of the input contains a single integer $T$ denoting the number of test cases.\n"
        "- The first line of each test case contains two space-separated integers $N$ and $c$.\n"
        "- $N$ lines follow. For each valid $i$, the $i$-th of these lines contains two space-separated integers "
        "$x_i$ and $y_i$."
    )
    assert input_names(text, {"T", "N", "c", "x", "y"}, index_names(text)) == ["T", "N", "c", "x", "y"]
    arrays = "The second line contains $N$ space-separated integers $A_1, A_2, \\ldots, A_N$."  # ARRT
    assert input_names(arrays, set(), index_names(arrays)) == ["N", "A"]
    plain_text = "The first line contains N and M. The following M lines describe the moves."  # CARDSHUF, no markup
    assert input_names(plain_text, {"N", "M"}, set()) == ["N", "M"]
    assert base_name("A_{i}") == "A" and base_name("A1") == "A" and base_name("x'") == "x'"
    chefsock = "The first line of input contains three integers — **jacketCost, sockCost, money** — denoting ..."
    words = variable_words(chefsock)  # CHEFSOCK: names longer than a letter
    assert words == {"jacketCost", "sockCost", "money"}
    assert input_names(chefsock, set(words), set(), words) == ["jacketCost", "sockCost", "money"]
    assert "two" not in variable_words("Each line is composed of **two** numbers")  # TSUBSTR's emphasis


def test_a_sentence_wrapped_mid_way_is_one_clause_and_unnamed_integers_keep_their_range() -> None:
    bounds = read_bounds(plain("Each test case consists of a pair of integers,\nbetween $0$ and $10^{15}$ (inclusive)."))
    assert (bounds.ranges["#integers"].low, bounds.ranges["#integers"].high) == (0, 10**15)
    lines = read_bounds(plain("- $1 \\le N \\le 10$\n- $1 \\le M \\le 20$"))  # constraint lines stay apart
    assert (lines.ranges["N"].high, lines.ranges["M"].high) == (10, 20)


def test_hints_alphabets_cases_queries_lines_and_decimals() -> None:
    assert alphabets("a string $S$ consisting of lowercase English letters")[0] == "abcdefghijklmnopqrstuvwxyz"
    assert "01" in alphabets("a binary string $S$")
    assert "<=>" in alphabets("each sign is either **'<'**, **'='** or a **'>'**")  # CHEFSIGN
    assert speaks_of_cases("The first line contains $T$, the number of testcases.")
    assert not speaks_of_cases("The first line contains $n$.")
    assert query_forms("Each query is `1 x y` (add) or `2 L R` (print).") == {"1": ["x", "y"], "2": ["L", "R"]}
    assert line_counts(plain("Then, **N-1** lines follow. Then, **Q** lines follow.")) == [("N", 1), ("Q", 0)]  # TSUBSTR
    assert decimals("These numbers will not contain more than 5 digits after decimal point.") == 5  # CHEFCIRC
    # YANSPP's "P is a prime", HDELIVER's "a prime number p"; not PARMOD's "modulo P (not necessarily prime)"
    assert primes(plain("- $2 \\leq P \\leq 10^6$ and $P$ is a prime")) == {"P"}
    assert primes("choose an index i and a prime number p such that") == {"p"}
    assert primes(plain("elements modulo **P** (not necessarily prime)")) == set()
    lower, upper = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    brentering = (
        "The first letter may be uppercase or lowercase, all other letters are lowercase. "
        "$s$ will contain at least one lowercase vowel."
    )
    assert letter_rule(brentering) == LetterRule(lower + upper, lower, "aeiou")
    assert letter_rule("Each name starts with a capital letter.") == LetterRule(upper, "", "")
    assert letter_rule("a string of lowercase letters") == LetterRule()
    different = "multiple test cases (at least $1$ and at most\n$40$), one per line. The input is terminated by end of file."
    assert eof_rows(plain(different)) == (1, 40) and eof_rows("Read until EOF.") == (None, None)
    assert eof_rows("The first line contains $n$, the number of lines.") is None
