"""Duplicate problems and solutions (AlphaCode, paper appendix B.2), and near-duplicate problems (MinHash + LSH).

- Exact: two statements are the same problem when they are equal after normalization (case folded, TeX and
  Markdown punctuation and all whitespace removed): the same problem in a Div. 1 and a Div. 2 round, or on two
  sites. Such a group is merged on export into its canonical member (the earliest, then the smallest key).
- Near: two statements are near duplicates when the Jaccard similarity of their word-bigram sets is at least the
  threshold (default 0.8). Bigrams, not longer shingles: a copy with 5% of its words changed anywhere keeps a
  bigram Jaccard of at least 0.81 (one changed word breaks 2 bigrams, it would break 5 five-grams: 0.60), while
  different problems that share a contest's boilerplate stay far below. Candidates come from MinHash signatures
  (one shared set of hash permutations, numpy) banded for LSH, the band sizes chosen so that a pair at the
  threshold is a candidate with probability >= 0.998; every candidate is then checked with the exact Jaccard, so
  the estimate's noise neither loses a copy nor merges two problems. Memory: the band keys (about 170 bytes per
  statement); statements are read when they are hashed and again only for the candidates checked.
  Clusters are the connected components of the checked pairs; a cluster is assigned to a split as one unit, by its
  earliest member's date, so a later copy never lands in valid or test.
- Solutions: whitespace-insensitive duplicates within a problem are dropped (a curation step; see steps.py).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from cpdata.curation.steps.sample_digests import QUERY as SAMPLES_QUERY
from cpdata.curation.steps.sample_digests import sample_digests
from cpdata.schema.collection import batch_collection

if TYPE_CHECKING:
    import numpy as np

    from cpdata.schema import ProblemKey, Store
    from cpdata.schema.store import ClusterInfo

# numpy (and the store, with SQLAlchemy) load inside the functions that need them: the solution and statement
# hashes below are used by every export step, and find_clusters by itself, and they must not pay for it.

__all__ = [
    "Clusters",
    "DedupResult",
    "Identity",
    "MinHasher",
    "candidate_pairs",
    "find_clusters",
    "jaccard",
    "link_candidates",
    "normalize_statement",
    "run_dedup",
    "shingles",
    "solution_hash",
    "statement_hash",
    "substantive",
]

_NOISE = re.compile(r"[\s$`*_#>|\\{}]+")
_WORD = re.compile(r"\w+")
NUM_PERM = 128
SHINGLE = 2
_BATCH_SHINGLES = 16_384  # shingles hashed together: 16k x 128 permutations x 8 bytes = 16 MB at a time
CANDIDATE_RECALL = 0.998
"""The least probability that LSH makes a pair at the threshold a candidate (the exact check decides the rest)."""


def normalize_statement(text: str) -> str:
    """What two copies of one statement share: no whitespace, no TeX or Markdown punctuation, case folded."""
    return text.translate(_noise_table()).casefold()


@functools.cache
def _noise_table() -> dict[int, None]:
    """Every character ``_NOISE`` matches, deleted by ``str.translate`` (several times faster than the regex)."""
    # \s in a str pattern is str.isspace(); the rest of _NOISE's class is listed (a test checks the two agree over
    # all of Unicode). No code point above U+3000 (the ideographic space) is a space, so the search stops there:
    # 0.2 s of every export went into looking at the other million.
    spaces = [code for code in range(_LAST_SPACE + 1) if chr(code).isspace()]
    return dict.fromkeys(spaces + [ord(c) for c in "$`*_#>|\\{}"])


_LAST_SPACE = 0x3000


def statement_hash(text: str) -> str:
    return hashlib.sha1(normalize_statement(text).encode()).hexdigest()


def solution_hash(code: str) -> str:
    """Whitespace-insensitive: reformatting a solution does not make it new."""
    return hashlib.sha1("".join(code.split()).encode()).hexdigest()


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The word ``size``-grams of a statement (all its words as one shingle when it has fewer)."""
    words = _words(text)
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard similarity of two statements' shingle sets: what ``threshold`` is compared with."""
    first, second = shingles(a), shingles(b)
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)


def _bands_for(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band): the most rows (fewest false candidates) that keep a pair at the threshold a candidate
    with probability ``CANDIDATE_RECALL``."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1 - (1 - threshold**rows) ** bands >= CANDIDATE_RECALL:
            best = (bands, rows)
    return best


class MinHasher:
    """MinHash signatures of word shingles with one shared set of permutations (multiply-shift hashing on 64-bit
    words), and LSH band keys from them. Stable across processes and runs (the seed and word hashes are fixed)."""

    def __init__(self, threshold: float, num_perm: int = NUM_PERM, seed: int = 1) -> None:
        import numpy as np

        self.bands, self.rows = _bands_for(threshold, num_perm)
        rng = np.random.default_rng(seed)
        used = self.bands * self.rows
        self._a = rng.integers(1, 2**63, size=used, dtype=np.uint64) | np.uint64(1)  # odd multipliers
        self._b = rng.integers(0, 2**63, size=used, dtype=np.uint64)
        self._mix = rng.integers(1, 2**63, size=self.rows, dtype=np.uint64) | np.uint64(1)
        self._word_hashes: dict[str, int] = {}

    def _word_hash(self, word: str) -> int:
        found = self._word_hashes.get(word)
        if found is None:
            if len(self._word_hashes) > 1 << 20:  # a bounded cache: memory stays flat on any vocabulary
                self._word_hashes.clear()
            found = self._word_hashes[word] = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        return found

    def shingle_hashes(self, text: str) -> np.ndarray[Any, Any]:
        import numpy as np

        words = _words(text)
        if not words:
            return np.zeros(0, dtype=np.uint64)
        hashes = np.fromiter((self._word_hash(w) for w in words), dtype=np.uint64, count=len(words))
        if len(hashes) < SHINGLE:
            combined = hashes[:1].copy()
            for extra in hashes[1:]:
                combined = combined * np.uint64(0x9E3779B97F4A7C15) + extra
            return combined
        span = len(hashes) - SHINGLE + 1
        combined = hashes[:span].copy()
        for offset in range(1, SHINGLE):
            combined = combined * np.uint64(0x9E3779B97F4A7C15) + hashes[offset : offset + span]
        return combined

    def signatures(self, texts: Iterable[str]) -> np.ndarray[Any, Any]:
        """One row per text: its MinHash signature (uint32), to estimate similarities (the share of equal values)."""
        import numpy as np

        rows = [
            np.full(len(self._a), np.uint32(0xFFFFFFFF), dtype=np.uint32) if row is None else row.astype(np.uint32)
            for row in self._signature_rows(texts)
        ]
        return np.vstack(rows) if rows else np.zeros((0, len(self._a)), dtype=np.uint32)

    def band_keys(self, texts: Iterable[str], count: int | None = None) -> np.ndarray[Any, Any]:
        """One row per text: its ``bands`` LSH keys (uint64). A text with no words gets keys no other text shares.
        With ``count`` (how many texts come) the matrix is filled in place: no row is held twice. Keys are folded a
        batch of signatures at a time (a few numpy calls per batch, not per text)."""
        import numpy as np

        matrix = np.empty((count, self.bands), dtype=np.uint64) if count is not None else None
        batches: list[np.ndarray[Any, Any]] = []
        position = 0
        with np.errstate(over="ignore"):
            for minima, present in self._signature_batches(texts):
                size = len(present)
                keys = np.empty((size, self.bands), dtype=np.uint64)
                absent = ~present
                if absent.any():  # a key of its own in every band
                    own = np.uint64(2**63) + np.arange(position, position + size, dtype=np.uint64)[absent]
                    keys[absent] = own[:, None]
                if len(minima):
                    grid = minima.reshape(len(minima), self.bands, self.rows)
                    folded = np.zeros((len(minima), self.bands), dtype=np.uint64)
                    for column in range(self.rows):
                        folded = (folded + grid[:, :, column]) * self._mix[column]
                    keys[present] = folded
                if matrix is not None:
                    matrix[position : position + size] = keys
                else:
                    batches.append(keys)
                position += size
        if matrix is not None:
            return matrix[:position]
        return np.vstack(batches) if batches else np.zeros((0, self.bands), dtype=np.uint64)

    def _signature_rows(self, texts: Iterable[str]) -> Iterator[np.ndarray[Any, Any] | None]:
        """Each text's signature (uint64 values), or None for a text with no words."""
        for minima, present in self._signature_batches(texts):
            row = 0
            for has_words in present:
                if has_words:
                    yield minima[row]
                    row += 1
                else:
                    yield None

    def _signature_batches(self, texts: Iterable[str]) -> Iterator[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
        """The texts' signatures a batch at a time: (one row per text with words, which texts of the batch have
        words). One multiply and one ``minimum.reduceat`` over all the batch's shingles instead of a few numpy calls
        per text (100k short statements spent most of their time in numpy's per-call overhead)."""
        import numpy as np

        batch: list[np.ndarray[Any, Any]] = []
        shingled = 0
        no_shingles = np.zeros(0, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for text in texts:
                hashed = self.shingle_hashes(text) if text else no_shingles  # "" for a copy of an earlier text
                batch.append(hashed)
                shingled += len(hashed)
                if shingled >= _BATCH_SHINGLES:
                    yield self._batch_signatures(batch)
                    batch, shingled = [], 0
            if batch:
                yield self._batch_signatures(batch)

    def _batch_signatures(self, batch: list[np.ndarray[Any, Any]]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        import numpy as np

        present = np.fromiter((len(hashed) > 0 for hashed in batch), dtype=bool, count=len(batch))
        words = [hashed for hashed in batch if len(hashed)]
        if not words:
            return np.zeros((0, len(self._a)), dtype=np.uint64), present
        lengths = np.fromiter((len(hashed) for hashed in words), dtype=np.int64, count=len(words))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        values = (np.concatenate(words)[:, None] * self._a[None, :] + self._b[None, :]) >> np.uint64(32)
        return np.minimum.reduceat(values, starts, axis=0), present


def _buckets(keys: np.ndarray[Any, Any], wanted: Sequence[bool] | None = None) -> Iterator[list[int]]:
    """For each band, each bucket of two or more rows sharing that band's key: the ``wanted`` rows of it, in row
    order (sorting a band's keys finds its buckets; no index of every key is held)."""
    import numpy as np

    for band in range(keys.shape[1]):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        ends = np.append(starts[1:], len(ordered))
        crowded = (ends - starts) > 1
        for start, end in zip(starts[crowded].tolist(), ends[crowded].tolist(), strict=True):
            yield sorted(int(m) for m in order[start:end] if wanted is None or wanted[int(m)])


def candidate_pairs(
    keys: np.ndarray[Any, Any], usable: Sequence[bool] | None = None, limit: int = 32
) -> Iterator[tuple[int, int]]:
    """Pairs of rows (earlier, later) that share a band key, each pair once. In a bucket, a row is paired with at
    most ``limit`` earlier rows: clusters are connected components, so a long bucket needs no quadratic walk."""
    seen: set[tuple[int, int]] = set()
    for members in _buckets(keys, usable):
        for at, later in enumerate(members):
            for earlier in members[max(0, at - limit) : at]:
                if (earlier, later) not in seen:
                    seen.add((earlier, later))
                    yield earlier, later


def link_candidates(
    keys: np.ndarray[Any, Any],
    eligible: Sequence[bool],
    clusters: Clusters,
    similar: Callable[[int, int], bool],
    limit: int = 32,
) -> int:
    """Union the rows that share a band key and that ``similar`` confirms; return how many checks ran. In a bucket
    (rows sharing one band's key, in row order) a row is checked against the representatives of the clusters met so
    far in it (the last ``limit`` of them), never against a cluster it already belongs to: a bucket of n copies of
    one text costs n checks, not n squared, and a pair refused once is not checked again in another band."""
    checks = 0
    refused: set[tuple[int, int]] = set()
    for members in _buckets(keys, eligible):
        representatives: list[int] = []
        for member in members:
            root = clusters.find(member)
            if any(clusters.find(r) == root for r in representatives[-limit:]):
                continue  # already one cluster with one of them
            for representative in representatives[-limit:]:
                if (representative, member) in refused:
                    continue
                checks += 1
                if similar(representative, member):
                    clusters.union(representative, member)
                    break
                refused.add((representative, member))
            else:
                representatives.append(member)
    return checks


@dataclass
class Clusters:
    """Union-find over problem keys: exact groups and near-duplicate clusters."""

    parent: dict[int, int] = field(default_factory=dict)

    def find(self, item: int) -> int:
        parent = self.parent
        root = parent.get(item, item)
        if root == item or parent.get(root, root) == root:  # a root, or one step from it: most finds
            return root
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(item, item) != root:  # path compression
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class DedupResult:
    problems: int = 0
    with_statement: int = 0
    exact_groups: int = 0
    exact_duplicates: int = 0
    near_clusters: int = 0
    near_duplicates: int = 0
    threshold: float = 0.8
    clusters: dict[ProblemKey, ClusterInfo] = field(default_factory=dict, repr=False, compare=False)
    """What was recorded in problem_cluster, as ``Store.clusters()`` reads it back: the export's pipeline takes it
    from here instead of reading 100k rows again."""

    def summary(self) -> dict[str, object]:
        return {name: value for name, value in self.__dict__.items() if name != "clusters"}


_IMAGE_OR_LINK = re.compile(r"!?\[[^\]]*\]\([^)]*\)|https?://\S+")
_PLACEHOLDERS = ("statement is not available", "no statement", "see the pdf", "see pdf", "coming soon", "to be added")
MIN_WORDS = 12
"""A statement with fewer words (images and links aside) says too little to call two problems the same."""


def substantive(text: str) -> bool:
    """Enough of a statement to compare: not empty, not a placeholder ("statement is not available"), not only an
    image or a link to a PDF. Placeholders are shared by problems that have nothing else in common."""
    words = _WORD.findall(_IMAGE_OR_LINK.sub(" ", text).casefold())
    flat = " ".join(words)
    return len(words) >= MIN_WORDS and not any(phrase in flat and len(words) < 40 for phrase in _PLACEHOLDERS)


class Identity(NamedTuple):
    """What else says two problems are one, beyond their statements: their site key, name and sample inputs.
    (A named tuple: 100k of them are made per run, and the collector need not track tuples of plain values.)"""

    key: str = ""
    name: str = ""
    samples: int = 0
    """A hash of the sample inputs (whitespace-normalized, in any order; valid within one process); 0: none."""


def _twin(group: dict[tuple[str, Any], int], identity: Identity) -> int | None:
    """The first statement of an exact group that is the same problem as ``identity``: two problems with one text are
    one if their site keys, or their names, or their samples agree (both known). Found by lookups: a group of
    thousands of different problems with one placeholder statement costs one lookup each, not a comparison with every
    earlier one."""
    found = [group[(f, v)] for f, v in (("key", identity.key), ("name", identity.name), ("samples", identity.samples))
             if v and (f, v) in group]  # fmt: skip
    return min(found) if found else None  # the earliest, as a walk over the group in order would find


def _remember(group: dict[tuple[str, Any], int], identity: Identity, position: int) -> None:
    for field_name, value in (("key", identity.key), ("name", identity.name), ("samples", identity.samples)):
        if value:
            group.setdefault((field_name, value), position)


def find_clusters(
    statements: Sequence[str],
    threshold: float,
    num_perm: int = NUM_PERM,
    identities: Sequence[Identity] | Callable[[], Sequence[Identity]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[int], list[int], list[float]]:
    """For each statement: its exact-group root, its near-cluster root (indices into the list, earliest first),
    and its similarity to that root (exact bigram Jaccard). Statements that say too little (``substantive``) join
    nothing; with ``identities`` (or a function that gives them: called once the statements are hashed), equal
    statements only merge when the problems' keys, names or samples agree too.
    ``statements`` is read twice in order (hashing) and then only where candidates are checked: it may be a lazy
    sequence over a store."""
    count = len(statements)
    exact = Clusters()
    near = Clusters()
    groups_by_text: dict[int, dict[tuple[str, Any], int]] = {}  # by the first statement with the text
    first_with_text: dict[int, int] = {}
    usable: list[bool] = []
    eligible: list[bool] = []
    text_root = list(range(count))  # the first statement with the same (normalized) text

    def first_pass() -> Iterator[str]:
        # A lazy sequence's __iter__ reads it a batch at a time; zip bounds one that only has __getitem__ (and may
        # not end with IndexError, like the benchmark's corpus) to its length.
        for position, text in zip(range(count), statements, strict=False):
            # Python's own hash of the normalized text: the digests are compared within this run only (a sha1 of
            # the encoded text cost five times as much)
            digest = hash(normalize_statement(text))
            known = first_with_text.get(digest)
            usable.append(usable[known] if known is not None else substantive(text))
            eligible.append(usable[position])
            if usable[position]:
                if identities is None and known is not None:  # the same text is the same problem
                    exact.union(known, position)
                # (With identities, exact groups are made after this pass: below.)
                # The same text as an earlier statement, of another problem or not: a near duplicate of it by any
                # measure (similarity 1). It joins that one's cluster here, and needs no signature of its own.
                same = first_with_text.setdefault(digest, position)
                text_root[position] = same
                if same != position:
                    near.union(same, position)
                    eligible[position] = False
                    text = ""
            if progress is not None and position % 1000 == 0:
                progress(position, count)
            yield text

    keys = MinHasher(threshold, num_perm).band_keys(first_pass(), count)
    first_with_text.clear()
    if identities is not None:  # the same text, and the same key, name or samples, in statement order
        known_identities = identities() if callable(identities) else identities
        for position in range(count):
            if usable[position]:
                group = groups_by_text.setdefault(text_root[position], {})
                twin = _twin(group, known_identities[position])
                if twin is not None:
                    exact.union(twin, position)
                else:
                    _remember(group, known_identities[position], position)
        groups_by_text.clear()

    @functools.lru_cache(maxsize=256)  # a cluster's representative is checked against many: read and split it once
    def shingles_at(position: int) -> frozenset[str]:
        return frozenset(shingles(statements[position]))

    def similarity_of(a: int, b: int) -> float:
        first, second = shingles_at(a), shingles_at(b)
        return len(first & second) / len(first | second) if first or second else 1.0

    link_candidates(keys, eligible, near, lambda a, b: similarity_of(a, b) >= threshold)
    del keys
    roots = [near.find(p) for p in range(count)]
    exact_roots = [exact.find(p) for p in range(count)]
    # A copy of an earlier text is as similar to the root as that text is: nothing to read again.
    similarity = [1.0 if text_root[p] == text_root[r] else round(similarity_of(text_root[p], r), 4) for p, r in enumerate(roots)]
    if progress is not None:
        progress(count, count)
    return exact_roots, roots, similarity


_LEADING_LABEL = re.compile(r"^[A-Z0-9]{1,3}[.:]\s+")  # "A. Sum" is "Sum"


def _problems_by_release(
    store: Store,
) -> tuple[list[tuple[ProblemKey, datetime | None, tuple[str, str]]], Callable[[], list[Identity]]]:
    """Every problem with a statement, earliest first (unknown dates last), then by key, with the key and name parts
    of its identity; and a function that gives the identities in that order, samples included, when they are needed
    (their samples are hashed meanwhile, in another process where the store allows: ``_SampleDigests``). The
    statements themselves stay in the store (``_Statements`` reads them when they are needed)."""
    # problem_dated has the problem's own columns (its name is the problem's; the contest's is contest_name)
    dated = 'SELECT site, contest_id, "index", release_time, name, problem_id FROM problem_dated WHERE statement IS NOT NULL'
    digests = _SampleDigests(store)
    items = []
    try:
        with store.engine.connect() as conn:
            for site, contest_id, index, released, name, problem_id in _execute(conn, dated):
                when = datetime.fromisoformat(released) if isinstance(released, str) else released
                known = (
                    f"{site}/{problem_id}" if problem_id else "",
                    _LEADING_LABEL.sub("", " ".join(str(name or "").split())).casefold(),
                )
                items.append(((site, contest_id, index), when, known))
    except BaseException:
        digests.close()
        raise
    # Known dates first, in order (all naive, from SQLite, or all aware, from PostgreSQL), then unknown ones; then keys.
    items.sort(key=lambda item: (False, item[1], item[0]) if item[1] is not None else (True, None, item[0]))

    def identities() -> list[Identity]:
        samples = digests.result()
        return [Identity(key_part, name, samples.get(key, 0)) for key, _, (key_part, name) in items]

    return items, identities


class _SampleDigests:
    """The problems' sample digests (``sample_digests``), computed by a second process on a SQLite file, started
    now and read when needed; in this process on other stores, or if that process fails (same values)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.process: subprocess.Popen[bytes] | None = None
        path = _sqlite_file(store)
        if path is not None:
            try:
                command = [sys.executable, "-m", "cpdata.curation.steps.sample_digests", str(path)]
                # stderr to nowhere: after a Ctrl-C its traceback must not reach the user (this process reports)
                self.process = subprocess.Popen(
                    command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            except OSError:
                self.process = None

    def result(self) -> dict[tuple[str, str, str], int]:
        if self.process is not None:
            try:
                output, _ = self.process.communicate()
                if self.process.returncode == 0:
                    return cast(dict[tuple[str, str, str], int], pickle.loads(output))
            except (OSError, pickle.UnpicklingError, EOFError):
                pass
            finally:
                self.close()
        with self.store.engine.connect() as conn:
            return sample_digests(_execute(conn, SAMPLES_QUERY))

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _sqlite_file(store: Store) -> Path | None:
    from sqlalchemy.engine import make_url

    url = make_url(store.url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" or url.query:
        return None
    path = Path(url.database)
    return path if path.is_file() else None


class _Statements(Sequence[str]):
    """The statements of ``keys`` as a sequence, read from the store a batch at a time (in order: the hashing pass)
    or one at a time (the candidates checked), so that they are never all in memory."""

    def __init__(self, store: Store, keys: list[ProblemKey], batch: int = 500) -> None:
        self.store, self.keys, self.batch = store, keys, batch
        self._start = -1
        self._texts: list[str] = []

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[str]:
        # (Reading the next batch in a thread meanwhile was measured slower: the driver takes the GIL back after
        # every row, and waits for it behind the hashing.)
        for start in range(0, len(self.keys), self.batch):
            texts = self._fetch(self.keys[start : start + self.batch])
            self._start, self._texts = start, texts
            yield from texts

    def __getitem__(self, position: int) -> str:  # type: ignore[override]
        if not self._start <= position < self._start + len(self._texts):
            size = self.batch if position == self._start + len(self._texts) else 1
            self._start, self._texts = position, self._fetch(self.keys[position : position + size])
        return self._texts[position - self._start]

    def _fetch(self, keys: list[ProblemKey]) -> list[str]:
        with self.store.engine.connect() as conn:
            cursor = _sqlite_cursor(conn)
            if cursor is not None:  # the driver's cursor: SQLAlchemy's compiled IN cost more than the reads
                # The keys as a VALUES table joined to the primary key: one statement for a batch (a third less
                # than a point read per key).
                wanted = ", ".join(["(?, ?, ?)"] * len(keys))
                sql = (
                    f'WITH wanted(site, contest_id, idx) AS (VALUES {wanted}) SELECT p.site, p.contest_id, p."index", '
                    "p.statement FROM wanted w JOIN problem p ON p.site = w.site AND p.contest_id = w.contest_id "
                    'AND p."index" = w.idx'
                )
                found = cursor.execute(sql, [value for key in keys for value in key])
                texts: dict[Any, str | None] = {(site, contest, index): text for site, contest, index, text in found}
                return [texts.get(tuple(key)) or "" for key in keys]
            from sqlalchemy import select, tuple_

            from cpdata.schema.tables import ProblemRow

            table = ProblemRow.__table__  # type: ignore[attr-defined]
            query = select(table.c.site, table.c.contest_id, table.c["index"], table.c.statement).where(
                tuple_(table.c.site, table.c.contest_id, table.c["index"]).in_(keys)
            )
            found = {(str(r[0]), str(r[1]), str(r[2])): r[3] or "" for r in conn.execute(query)}
        return [found.get(key, "") for key in keys]


def _execute(conn: Any, sql: str) -> Iterable[Any]:
    """The rows of a plain SQL query, from the driver's cursor on SQLite (100k rows: no wrapper per row)."""
    cursor = _sqlite_cursor(conn)
    return cast(Iterable[Any], cursor.execute(sql) if cursor is not None else conn.exec_driver_sql(sql))


def _sqlite_cursor(conn: Any) -> Any:
    """The sqlite3 driver's own cursor on this connection (None on other databases): bulk reads without SQLAlchemy's
    per-statement compiling and per-row wrapping."""
    return conn.connection.dbapi_connection.cursor() if conn.dialect.name == "sqlite" else None


def run_dedup(
    store: Store, threshold: float = 0.8, num_perm: int = NUM_PERM, progress: Callable[[int, int], None] | None = None
) -> DedupResult:
    """Find exact groups and near-duplicate clusters among the store's problems and record them in problem_cluster."""
    with batch_collection():
        return _run_dedup(store, threshold, num_perm, progress)


def _run_dedup(store: Store, threshold: float, num_perm: int, progress: Callable[[int, int], None] | None) -> DedupResult:
    import numpy as np

    from cpdata.schema import key_name
    from cpdata.schema.models import to_utc
    from cpdata.schema.store import ClusterInfo

    items, identities = _problems_by_release(store)
    result = DedupResult(problems=store.count("problem"), with_statement=len(items), threshold=threshold)
    statements = _Statements(store, [key for key, _, _ in items])
    exact_roots, near_roots, similarity = find_clusters(statements, threshold, num_perm, identities, progress=progress)
    sizes = np.bincount(np.array(near_roots, dtype=np.int64), minlength=len(items)) if items else np.array([])
    exact_sizes = np.bincount(np.array(exact_roots, dtype=np.int64), minlength=len(items)) if items else np.array([])

    near_sizes, group_sizes = sizes.tolist(), exact_sizes.tolist()  # Python ints: read 100k times below
    names: dict[int, str] = {}

    def name_of(position: int) -> str:
        name = names.get(position)
        if name is None:
            name = names[position] = key_name(items[position][0])
        return name

    releases: dict[int, datetime | None] = {}

    def rows() -> Iterator[dict[str, object]]:  # made as they are written: 100k clusters are not held twice
        for position, (key, _, _) in enumerate(items):
            root = near_roots[position]
            if near_sizes[root] < 2:
                continue
            exact_root = exact_roots[position]
            group, cluster, close = (
                name_of(exact_root) if group_sizes[exact_root] > 1 else None,
                name_of(root),
                round(similarity[position], 4),
            )
            if root not in releases:
                releases[root] = to_utc(items[root][1])
            result.clusters[key] = ClusterInfo(group, cluster, releases[root], close)
            yield {
                "site": key[0],
                "contest_id": key[1],
                "index": key[2],
                "exact_group": group,
                "cluster": cluster,
                "cluster_release": items[root][1],  # the root is the earliest member
                "similarity": close,
            }

    result.exact_groups = int((exact_sizes > 1).sum()) if len(items) else 0
    result.exact_duplicates = int(sum(s - 1 for s in exact_sizes if s > 1)) if len(items) else 0
    result.near_clusters = int((sizes > 1).sum()) if len(items) else 0
    result.near_duplicates = int(sum(s - 1 for s in sizes if s > 1)) - result.exact_duplicates if len(items) else 0
    store.replace_clusters(rows())
    return result
