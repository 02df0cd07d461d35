"""Report text: evidence excerpts centred on the matched words, cut between Thai words, without the site's
banner, menu and footer; wording without English codes."""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ita_checker.text.thaitext import match_key, normalize

ELLIPSIS = "…"
NGRAM = 3  # words in a row that make a phrase; a phrase on many pages of the site is its banner, menu or footer
MIN_PAGES = 3  # a phrase counts as boilerplate only when at least this many pages show it …
MIN_SHARE = 0.3  # … and at least this share of the pages
GAP = 2  # words of a banner cut in two by the snippet's edge (partial words) are skipped over
_WORD_RE = re.compile(r"\w", re.UNICODE)
_RUNS_RE = re.compile(r"\s+|\S+")
_URL_RE = re.compile(r"https?://\S+")
_DATED_RE = re.compile(r"\((\d+) dated entries in period\)")
_DEBUG_PAREN_RE = re.compile(r"\s*\((?:[a-z_]+|\d+ [a-z][a-z ]*)\)")  # (provisional), (0 items in period)
_ENGLISH_TAIL_RE = re.compile(r"\s+/\s+[^\u0e00-\u0e7f]*$")  # "ไทย / the same in English"


@dataclass(frozen=True)
class Excerpt:
    """A display excerpt: ``before`` + ``match`` + ``after`` (ellipses included where text was left out)."""

    before: str
    match: str
    after: str

    @property
    def text(self) -> str:
        return self.before + self.match + self.after


def _space_runs(text: str) -> list[str]:
    return _RUNS_RE.findall(text)


@lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], list[str]]:
    """PyThaiNLP's dictionary word tokenizer (newmm); without PyThaiNLP, text is cut at spaces only."""
    try:
        from pythainlp.tokenize import word_tokenize
    except ImportError:  # pragma: no cover - without PyThaiNLP, spaces are still word boundaries
        return _space_runs

    def tokenize(text: str) -> list[str]:
        return list(word_tokenize(text, engine="newmm", keep_whitespace=True))

    return tokenize


def words(text: str) -> list[str]:
    """Split ``text`` into words and the spaces between them; joined back they give ``text`` again."""
    if not text:
        return []
    tokens = [t for t in _tokenizer()(text) if t]
    if "".join(tokens) != text:  # a tokenizer that drops or changes characters: fall back to spaces
        return _space_runs(text)
    out: list[str] = []
    for token in tokens:  # keep runs of spaces as their own tokens
        out.extend(_space_runs(token) if token.strip() != token else [token])
    return out


def _is_word(token: str) -> bool:
    return bool(_WORD_RE.search(token))


def _grams(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    keys = [match_key(t) for t in tokens if _is_word(t)]
    return [tuple(keys[i : i + NGRAM]) for i in range(len(keys) - NGRAM + 1)]


def _trim_cut_edges(text: str) -> tuple[list[str], bool, bool]:
    """Words of a stored snippet without the partial words where it was cut (marked by a leading or trailing ``…``)."""
    text = " ".join(normalize(text).split())
    cut_start = text.startswith(ELLIPSIS)
    cut_end = text.endswith(ELLIPSIS) and len(text) > 1
    core = text[1 if cut_start else 0 : len(text) - 1 if cut_end else len(text)]
    tokens = words(core)
    if cut_start and tokens and not tokens[0].isspace():
        tokens = tokens[1:]  # the snippet began inside a word
    if cut_end and tokens and not tokens[-1].isspace():
        tokens = tokens[:-1]  # the snippet ended inside a word
    return tokens, cut_start, cut_end


def boilerplate(snippets: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Phrases (``NGRAM`` words) that the snippets of many different pages share: the site's banner, menu, footer.

    Pass one snippet per page (of HTML pages only: documents legitimately share their letterheads)."""
    pages = [set(_grams(_trim_cut_edges(s)[0])) for s in snippets]
    if len(pages) < MIN_PAGES:
        return frozenset()
    counts = Counter(g for page in pages for g in page)
    need = max(MIN_PAGES, math.ceil(MIN_SHARE * len(pages)))
    return frozenset(g for g, n in counts.items() if n >= need)


def _covered(tokens: Sequence[str], boiler: frozenset[tuple[str, ...]]) -> list[bool]:
    """For each token: is it a word inside one of the boilerplate phrases (spaces and punctuation: False)."""
    word_at = [i for i, t in enumerate(tokens) if _is_word(t)]
    keys = [match_key(tokens[i]) for i in word_at]
    covered = [False] * len(tokens)
    for j in range(len(keys) - NGRAM + 1):
        if tuple(keys[j : j + NGRAM]) in boiler:
            for k in range(j, j + NGRAM):
                covered[word_at[k]] = True
    return covered


def _last_covered(covered: Sequence[bool], tokens: Sequence[str], indices: Iterable[int]) -> int | None:
    """Walking ``indices``, the last boilerplate token before more than ``GAP`` other words in a row."""
    last, gap = None, 0
    for i in indices:
        if covered[i]:
            last, gap = i, 0
        elif _is_word(tokens[i]):
            gap += 1
            if gap > GAP:
                break
    return last


def _strip_boilerplate(
    tokens: list[str], boiler: frozenset[tuple[str, ...]], keep: tuple[int, int] | None
) -> tuple[int, int]:
    """The token range left once leading and trailing boilerplate (and the punctuation around it) is removed;
    the ``keep`` range (the matched words) is never removed."""
    if not boiler or not tokens:
        return 0, len(tokens)
    covered = _covered(tokens, boiler)
    first = _last_covered(covered, tokens, range(keep[0] if keep else len(tokens)))
    start = 0 if first is None else first + 1
    floor = max(keep[1] if keep else start, start)
    last = _last_covered(covered, tokens, range(len(tokens) - 1, floor - 1, -1))
    end = len(tokens) if last is None else last
    while start and start < end and not _is_word(tokens[start]):  # punctuation between the banner and the content
        start += 1
    while end < len(tokens) and end > start and not _is_word(tokens[end - 1]):
        end -= 1
    return start, end


def _wordish(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _find(tokens: Sequence[str], terms: Sequence[str]) -> tuple[int, int, int, int] | None:
    """The best matched term (the longest found; the earliest of equals): the token range holding it and its
    character span in the joined tokens, widened to whole words but not over punctuation."""
    text = "".join(tokens)
    best: tuple[int, int, int] | None = None  # -length, start, end (character offsets)
    for term in terms:
        key = match_key(term)
        if len(key) < 2:
            continue
        found = re.search(r"\s*".join(re.escape(ch) for ch in key), text, re.IGNORECASE)
        if found is not None and (best is None or (-len(key), found.start(), found.end()) < best):
            best = (-len(key), found.start(), found.end())
    if best is None:
        return None
    _, c0, c1 = best
    starts, pos = [], 0
    for t in tokens:
        starts.append(pos)
        pos += len(t)
    first = bisect.bisect_right(starts, c0) - 1
    last = bisect.bisect_right(starts, c1 - 1) - 1
    token_end = starts[last] + len(tokens[last])
    while c0 > starts[first] and _wordish(text[c0 - 1]):
        c0 -= 1
    while c1 < token_end and _wordish(text[c1]):
        c1 += 1
    return first, last + 1, c0 - starts[first], token_end - c1


def _take(tokens: Sequence[str], budget: int, *, backwards: bool) -> int:
    """How many whole tokens fit in ``budget`` characters, from the end (``backwards``) or the start."""
    used = n = 0
    seq = reversed(tokens) if backwards else iter(tokens)
    for t in seq:
        if used + len(t) > budget and n:
            break
        if used + len(t) > budget:
            return 0
        used += len(t)
        n += 1
    return n


def excerpt(
    snippet: str,
    terms: Sequence[str] = (),
    *,
    boiler: frozenset[tuple[str, ...]] = frozenset(),
    width: int = 60,
) -> Excerpt:
    """Excerpt of a stored evidence snippet for display.

    Parameters: ``snippet`` as the rules engine stored it (``…`` where it cut the page text); ``terms`` the words
    the item was matched on (the longest found is the centre); ``boiler`` from :func:`boilerplate` for the site;
    ``width`` the characters shown on each side of the match (about ten Thai words).

    Returns the excerpt, cut only between words, with ``…`` wherever text was left out.
    """
    tokens, cut_start, cut_end = _trim_cut_edges(snippet)
    hit = _find(tokens, terms)
    start, end = _strip_boilerplate(tokens, boiler, hit[:2] if hit else None)
    cut_start = cut_start or start > 0
    cut_end = cut_end or end < len(tokens)
    if hit is None:
        n = _take(tokens[start:end], 2 * width, backwards=False)
        shown = "".join(tokens[start : start + n]).strip()
        more = cut_end or start + n < end
        return Excerpt(
            before=(ELLIPSIS if cut_start and shown else "") + shown + (ELLIPSIS if more and shown else ""),
            match="",
            after="",
        )
    h0, h1, lead, tail = hit
    room_after = width
    n_after = _take(tokens[h1:end], room_after, backwards=False)
    room_before = width + room_after - sum(len(t) for t in tokens[h1 : h1 + n_after])  # near the end: more before
    n_before = _take(tokens[start:h0], room_before, backwards=True)
    b0, a1 = h0 - n_before, h1 + n_after
    if a1 < end:  # room left before the match: show more after it
        a1 += _take(tokens[a1:end], room_before - sum(len(t) for t in tokens[b0:h0]), backwards=False)
    held = "".join(tokens[h0:h1])
    before = ("".join(tokens[b0:h0]) + held[:lead]).lstrip()
    after = (held[len(held) - tail :] if tail else "") + "".join(tokens[h1:a1])
    if cut_start or b0 > start:
        before = ELLIPSIS + before
    after = after.rstrip()
    if cut_end or a1 < end:
        after += ELLIPSIS
    return Excerpt(before=before, match=held[lead : len(held) - tail], after=after)


def thai_only(text: str, *, codes: Mapping[str, str]) -> str:
    """``text`` for Thai readers: each code of ``codes`` (outside URLs) becomes its Thai label, a debug count is
    translated or dropped, an English sentence after `` / `` goes."""
    code_re = re.compile(
        r"(?<![\w/.-])(" + "|".join(map(re.escape, sorted(codes, key=len, reverse=True))) + r")(?![\w/.-])"
    )
    out: list[str] = []
    pos = 0
    for url in [*_URL_RE.finditer(text), None]:
        part = text[pos : url.start() if url else len(text)]
        if codes:
            part = code_re.sub(lambda m: codes[m.group(1)], part)
        part = _DATED_RE.sub(lambda m: f"(พบรายการที่ลงวันที่ในช่วงที่กำหนด {m.group(1)} รายการ)", part)
        out.append(_DEBUG_PAREN_RE.sub("", part))
        if url:
            out.append(url.group())
            pos = url.end()
    return _ENGLISH_TAIL_RE.sub("", "".join(out)).strip()
