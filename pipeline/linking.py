"""Events: one signing, many reports. Links the agreements of many articles into events.

Every agreement of every article is a *mention* of exactly one *event* (a real signing).
Researchers count events; articles count the press (GDELT's EVENTS/MENTIONS split).

    mentions ─ party keys ─ blocks (party key × time) ─ candidate pairs ─ match rules
             ─ union-find ─ events (stable id, best values) + event_mentions

- **Party keys** (`party_keys`): a party name becomes a set of keys. A country, its
  government, state, leaders and capital are one key (`c:US` for "Mỹ", "Hoa Kỳ", "Chính phủ
  Hoa Kỳ", "Washington"); a Vietnamese province and its UBND one (`p:…`); an acronym in
  brackets or an acronym name one (`a:vnpt` for "Tập đoàn Bưu chính Viễn thông Việt Nam
  (VNPT)" and "VNPT"); any other name its folded, abbreviation-expanded key (`n:…`) and, as a
  variant, the same without organisation heads and legal forms ("Tập đoàn Hyosung" =
  "Hyosung"). Places come from `extractors.gazetteers`; the stripped words from
  `lexicons/linking.yaml`.
- **Time**: a mention's anchor is its signing date when complete, else its article's
  publication date. Two complete signing dates must be the same day; day-and-month dates must
  agree on day and month; anchors otherwise at most `WINDOW_DAYS` apart; years or year-months
  one a prefix of the other. A referenced mention dated by day and month only whose evidence
  names a year is compared by that year (its day came from the article's dateline).
- **Blocking**: a mention is indexed under (party key, anchor's window bucket), (party key,
  day-month) and (pair of party keys) — the last only for pairs with a side that has no
  time in common with the other — and compared only within a block (a time block joined with
  the next bucket of its key), so the pairs grow with the size of the busiest blocks, not
  with the square of the corpus. Mentions with the same signature (party keys, date, anchor,
  type, status, title, evidence: a syndicated copy) are one node before pairing. A block
  larger than `MAX_BLOCK` is compared by sorted neighbourhood (each mention with the next
  `MAX_BLOCK` in time order).
- **Rules** (`match`): at least two parties in common, or one when either side knows only
  one party and the date, type and evidence words agree too; a party set with two parties
  the other lacks is another signing; differing types only on the same complete day, or the
  same day-and-month with the same party set; an article's signing and its plan (or its background) are two mentions of two
  events.
- **Clustering**: union-find, strongest links first; a union that would put two days, two
  day-months or one article's agreements of two statuses in one cluster is refused, so a
  chain cannot join what no single link joins.
- **Referenced** mentions (a past signing told as background) join the event they recall:
  two parties in common (one when both know one), the same day when the reference gives
  one, or the same type and evidence words; never an event of their own article, nor one
  that happens after the article; several candidates: the one sharing most parties, then
  the latest; none: an event of their own.
- **Event ids** are `ev_` + a hash of the event's first mention by (publication date,
  article id, agreement id): the same on reruns and whatever the order of the inputs.

The per-block comparison is a pure function of a list of blocks (`compare_blocks`), so a
batch engine (local pool or dask) can run it (`link(..., engine=eng)`).
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

import regex

from pipeline.tables import _date  # ISO string → DATE when complete, as the warehouse types it
from pipeline.textnorm import fold, name_key

WINDOW_DAYS = 14  # anchors further apart are never one signing
MAX_BLOCK = 50  # larger blocks: sorted neighbourhood of this width (the largest block of the bench run: 25)
LINK_VERSION = "1"
REFERENCE_CANDIDATES = MAX_BLOCK  # latest reports per party key (pair) a referenced mention is compared with
KEYLESS_MIN_EVIDENCE = 60  # characters of evidence two reports naming no party must share word for word


# --- party keys ----------------------------------------------------------------------------

@cache
def _word_patterns() -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
    from extractors import gazetteers
    from extractors.lexicons import load

    lex = load("linking")

    def alternation(words) -> regex.Pattern:
        ws = sorted({gazetteers.key(w) for w in words}, key=len, reverse=True)
        return regex.compile(r"(?<![\p{L}\p{N}])(?:" + "|".join(regex.escape(w) for w in ws) + r")(?![\p{L}\p{N}])")

    acting = [w for e in lex["acting_for_place"] for w in e["words"]]
    acting += [w for e in load("gazetteers")["state_forms"] for w in e["words"]]
    heads = [w for e in lex["company_heads"] for w in e["words"]]
    legal = [w for e in lex["legal_forms"] for w in e["words"]]
    return alternation(acting), alternation(heads), alternation(legal)


_BRACKET = regex.compile(r"\(([^()]{2,20})\)")
_ACRONYM = regex.compile(r"^[\p{Lu}\p{N}&.\-]{2,12}$")
_SPACES = regex.compile(r"\s+")


def _clean(s: str) -> str:
    return _SPACES.sub(" ", regex.sub(r"[\p{P}\p{S}]+", " ", s)).strip()


def _place_key(folded: str) -> str | None:
    from extractors import gazetteers

    acting, _, _ = _word_patterns()
    rest = _clean(acting.sub(" ", folded))
    if not rest:
        return None
    place = gazetteers.countries().get(rest)
    if (place is None and len(rest) >= 6 and rest.count(" ") <= 2 and rest not in gazetteers.provinces()
            and rest not in gazetteers.capitals()):
        close = difflib.get_close_matches(rest, list(gazetteers.countries()), n=1, cutoff=0.85)
        place = gazetteers.countries()[close[0]] if close else None  # a misspelt country ("Balarus")
    if place is not None:
        return f"c:{place.code}" if place.code else f"c:{gazetteers.key(place.canonical)}"
    prov = gazetteers.provinces().get(rest)
    if prov is not None:  # a Vietnamese city before the country it is the capital of ("Hà Nội")
        return f"p:{gazetteers.key(prov.canonical)}"
    cap = gazetteers.capitals().get(rest)
    if cap is not None:
        return f"c:{cap.code}"
    return None


@lru_cache(maxsize=131072)
def party_keys(name: str) -> frozenset[str]:
    """The canonical keys of one party name (see the module docstring); empty for a name
    with no letters."""
    from extractors import gazetteers

    keys: set[str] = set()
    for m in _BRACKET.finditer(name):
        inner = m.group(1).strip()
        if _ACRONYM.match(inner):
            keys.add("a:" + fold(inner).replace(".", "").replace("-", ""))
    bare = _clean(_BRACKET.sub(" ", name))
    if not bare:
        return frozenset(keys)
    if " " not in bare and len(bare) >= 3 and bare[0].isupper() and not gazetteers.is_place_name(bare):
        keys.add("a:" + fold(bare).replace(".", "").replace("-", ""))  # a one-word name: "VNPT", "Nasdaq"
    folded = gazetteers.key(bare)
    place = _place_key(folded)
    if place:
        keys.add(place)
        return frozenset(keys)
    tail = bare.rsplit(" ", 1)[-1]
    if " " in bare and _ACRONYM.match(tail) and sum(c.isupper() for c in tail) >= 2 and not gazetteers.is_place_name(tail):
        keys.add("a:" + fold(tail).replace(".", "").replace("-", ""))  # "Sàn chứng khoán NASDAQ" = "NASDAQ"
    full = name_key(bare)
    if full:
        keys.add("n:" + full)
        _, heads, legal = _word_patterns()
        short = _clean(legal.sub(" ", heads.sub(" ", gazetteers.key(full))))
        words = short.split(" ")
        for n in (3, 2, 1):  # "Tập đoàn EDES Hoa Kỳ" = "Tập đoàn EDES (Mỹ)": a trailing country dropped
            if len(words) > n and " ".join(words[-n:]) in gazetteers.countries():
                short = " ".join(words[:-n])
                break
        if short and short != full and len(short) >= 3:
            keys.add("n:" + short)
    return frozenset(keys)


# --- mentions ------------------------------------------------------------------------------

def _month_day(value: str | None) -> str | None:
    """MM-DD of a complete or a --MM-DD date, else None."""
    if not value:
        return None
    if value.startswith("--") and len(value) == 7:
        return value[2:]
    if len(value) >= 10 and value[4] == "-":
        return value[5:10]
    return None


_WORD = regex.compile(r"\p{L}+")
_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass
class Mention:
    """One agreement of one article, as the linker sees it."""
    mention_id: str  # agreements.agreement_id (or, for a gold file, "article:index")
    article_id: str
    status: str
    type: str
    parties: list[str]  # canonical names (one per party)
    party_names: list[list[str]] = field(default_factory=list)  # every form of each party
    date_value: str | None = None
    published: dt.date | None = None
    site: str | None = None
    evidence: str = ""
    title: str | None = None
    location: str | None = None
    confidence: float = 0.0
    # derived
    keys: list[frozenset[str]] = field(default_factory=list, repr=False)
    date: dt.date | None = field(default=None, repr=False)
    month_day: str | None = field(default=None, repr=False)
    words: frozenset[str] = field(default_factory=frozenset, repr=False)
    when: str | None = field(default=None, repr=False)  # the date the rules compare
    title_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        forms = self.party_names or [[p] for p in self.parties]
        keys = []
        for names in forms:
            ks = frozenset().union(*(party_keys(n) for n in names if n))
            if ks and ks not in keys:
                keys.append(ks)
        self.keys = keys
        self.when = self.date_value
        if self.status == "referenced" and self.when and self.when.startswith("--"):
            year = _YEAR.search(self.evidence)
            if year:  # a past signing told with its year, dated without one: the day came from elsewhere
                self.when = year.group(0)  # (the dateline); linking trusts the year
        self.date = _date(self.when)
        self.month_day = _month_day(self.when)
        self.words = frozenset(_WORD.findall(fold(self.evidence)))
        self.title_key = fold(self.title) if self.title else None

    @property
    def anchor(self) -> dt.date | None:
        return self.date or self.published

    @property
    def all_keys(self) -> frozenset[str]:
        return frozenset().union(*self.keys) if self.keys else frozenset()

    def signature(self) -> tuple:
        """Equal signatures = the same report (a syndicated copy): linked without comparison."""
        return (tuple(sorted(tuple(sorted(k)) for k in self.keys)), self.date_value, self.anchor, self.type,
                self.status, self.title_key, fold(self.evidence))

    def order_key(self) -> tuple:
        """The first mention of an event: earliest report, then ids (input order plays no part)."""
        return (self.published or dt.date.max, self.article_id, self.mention_id)


def _site(record: dict) -> str | None:
    src = record.get("source") or {}
    if src.get("site"):
        return str(src["site"]).strip().lower() or None
    url = src.get("url")
    if url:
        from urllib.parse import urlsplit

        host = urlsplit(url).hostname
        return host.removeprefix("www.") if host else None
    return None


def mentions_from_record(record: dict) -> list[Mention]:
    """The mentions of one record (a dict as in records.jsonl)."""
    out = []
    pub = _date(record.get("published_at"))
    site = _site(record)
    for ag in record.get("agreements") or []:
        parties = ag.get("parties") or []
        out.append(Mention(
            mention_id=ag["agreement_id"], article_id=record["article_id"], status=ag["status"], type=ag["type"],
            parties=[p["canonical"] for p in parties], party_names=[[p["name"], p["canonical"]] for p in parties],
            date_value=(ag.get("date") or {}).get("value"), published=pub, site=site,
            evidence=(ag.get("evidence") or {}).get("text") or "", title=(ag.get("title") or {}).get("text"),
            location=(ag.get("location") or {}).get("text"), confidence=ag.get("confidence") or 0.0))
    return out


def mentions_from_records(records: Iterable[dict]) -> Iterator[Mention]:
    for rec in records:
        yield from mentions_from_record(rec)


# --- the rules -----------------------------------------------------------------------------

def shared_parties(a: Mention, b: Mention) -> int:
    """Parties of `a` matched to distinct parties of `b` by a common key (greedy)."""
    used: set[int] = set()
    n = 0
    for ka in a.keys:
        for j, kb in enumerate(b.keys):
            if j not in used and ka & kb:
                used.add(j)
                n += 1
                break
    return n


# the press names one document a memorandum, an agreement or a programme of cooperation
_SOFT_TYPES = frozenset({"memorandum_of_understanding", "cooperation_agreement", "coordination_program"})


def types_agree(a: str, b: str) -> bool:
    return a == b or "other" in (a, b) or (a in _SOFT_TYPES and b in _SOFT_TYPES)


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def _dates_agree(a: Mention, b: Mention) -> str | None:
    """'day' (the same complete date), 'month_day' (day and month agree, a year missing),
    'window' (anchors within the window), 'none' (no time known on one side), or None
    (they disagree: not one signing)."""
    if a.date and b.date:
        return "day" if a.date == b.date else None
    if a.month_day and b.month_day:
        if a.month_day != b.month_day:
            return None
        if a.anchor and b.anchor and abs((a.anchor - b.anchor).days) > WINDOW_DAYS + 366:
            return None
        return "month_day"
    if a.anchor and b.anchor:
        return "window" if abs((a.anchor - b.anchor).days) <= WINDOW_DAYS else None
    if a.when and b.when and a.when[:1].isdigit() and b.when[:1].isdigit():
        short = min(len(a.when), len(b.when))  # years or year-months: one must extend the other
        return "year" if a.when[:short] == b.when[:short] else None
    return "none"


def match(a: Mention, b: Mention) -> str | None:
    """Why two non-referenced mentions report one signing (a rule name), or None."""
    if not a.keys or not b.keys:
        return None
    if a.article_id == b.article_id and a.status != b.status:
        return None  # an article that tells a signing and a plan or a past one tells two
    when = _dates_agree(a, b)
    if when is None:
        return None
    shared = shared_parties(a, b)
    if shared == 0:
        return None
    na, nb = len(a.keys), len(b.keys)
    if min(na, nb) - shared >= 1 and max(na, nb) - shared >= 2:
        return None  # each side has parties the other lacks: another party set
    same_type = types_agree(a.type, b.type)
    title_same = bool(a.title_key and a.title_key == b.title_key)
    words = _jaccard(a.words, b.words)
    if shared >= 2 and shared >= min(na, nb):
        if when == "day" or (when == "month_day" and shared == max(na, nb)):
            return f"parties+{when}"  # the same parties on the same day: one signing, however named
        if same_type and when in ("month_day", "window"):
            return f"parties+{when}"
        if same_type and when in ("none", "year") and (words >= 0.2 or title_same):
            close = when == "year" and min(len(a.when or ""), len(b.when or "")) >= 7
            if a.status == b.status == "referenced" and not (words >= (0.3 if close else 0.5) or title_same):
                return None  # two background mentions: nearly the same words, or the same month and some
            return "parties+words"
        return None
    if shared >= 1 and min(na, nb) == 1 and shared == min(na, nb):
        if not same_type:
            return None
        if when in ("day", "month_day") and (words >= 0.25 or title_same):
            return f"party+{when}+words"
        if when == "window" and (words >= 0.35 or title_same):
            return "party+window+words"
        if when in ("none", "year") and a.type == b.type and a.status == b.status == "referenced" and words >= 0.5:
            return "party+words"  # a famous treaty told in the same words ("Hiệp định Paris …")
    return None


def match_referenced(ref: Mention, ev: Mention) -> str | None:
    """Whether a referenced mention tells of the signing reported by `ev` (not referenced):
    two parties in common (one when both know only one) and the same day when the reference
    gives one; without a date, the same type and words of the evidence or the title too,
    and never a signing that comes after the article."""
    if not ref.keys or not ev.keys:
        return None
    shared = shared_parties(ref, ev)
    n_min, n_max = min(len(ref.keys), len(ev.keys)), max(len(ref.keys), len(ev.keys))
    if shared < 2 and not (shared == 1 == n_min):
        return None
    if n_max - shared >= 2 and n_min - shared >= 1:
        return None
    words = _jaccard(ref.words, ev.words)
    title_same = bool(ref.title_key and ref.title_key == ev.title_key)
    if ref.title_key and ev.title_key and not title_same:
        return None
    if ref.when and ev.when:
        when = _dates_agree(ref, ev)
        if when == "day" and (shared >= 2 or words >= 0.25 or title_same):
            return "referenced+day"
        if when == "month_day" and (words >= (0.2 if shared >= 2 else 0.25) or title_same):
            return f"referenced+{when}"
        if when == "year" and shared >= 2 and (words >= 0.3 or title_same):
            return "referenced+year+words"
        return None
    if shared < 2 or not types_agree(ref.type, ev.type) or ref.when:
        return None  # a dated past signing is not a report that gives no date
    if ref.published and ev.anchor and ev.anchor > ref.published:
        return None  # told as past before it happened
    return "referenced+parties+words" if (words >= 0.2 or title_same) else None


# --- blocking ------------------------------------------------------------------------------

def _bucket(d: dt.date) -> int:
    return d.toordinal() // WINDOW_DAYS


def block_keys(m: Mention) -> Iterator[tuple]:
    """The blocks a mention is indexed under: a pair that `match` can accept shares one of
    them (a time block joined with the next bucket of its key, see `_candidate_groups`)."""
    keys = sorted(m.all_keys)
    if m.anchor is not None:
        b = _bucket(m.anchor)
        for k in keys:
            yield ("t", k, b)
    if m.month_day is not None:
        for k in keys:
            yield ("md", k, m.month_day)
    # pairs without a time in common (one side knows none) need two parties: pairs of keys
    for i, k1 in enumerate(keys):
        for k2 in keys[i + 1:]:
            yield ("pp", k1, k2)


def _candidate_groups(nodes: list[Mention]) -> Iterator[tuple[str, list[Mention]]]:
    """(block kind, mentions) whose pairs are the candidates; each time block is joined with
    the next bucket of the same key (windows that straddle a bucket edge)."""
    index: dict[tuple, list[Mention]] = defaultdict(list)
    for m in nodes:
        for bk in block_keys(m):
            index[bk].append(m)
    for bk, members in index.items():
        group = members
        if bk[0] == "t":
            group = members + index.get(("t", bk[1], bk[2] + 1), [])
        if len(group) >= 2:
            yield bk[0], group


def _untimed_pair(a: Mention, b: Mention) -> bool:
    """A pair the time blocks cannot hold: no anchors on both sides and no day-month on both."""
    return not (a.anchor and b.anchor) and not (a.month_day and b.month_day)


def compare_blocks(blocks: list[tuple[str, list[Mention]]]) -> tuple[list[tuple[str, str, str]], int]:
    """Matched pairs (mention id, mention id, rule) within each block, and the number of pairs
    compared: the pure per-block step an engine can distribute. A block larger than MAX_BLOCK
    is compared by sorted neighbourhood (each mention with the next MAX_BLOCK in time order)."""
    out = []
    compared = 0
    for kind, block in blocks:
        block = sorted(block, key=lambda m: (m.anchor or dt.date.max, m.month_day or "", m.mention_id))
        for i, j in _neighbour_pairs(kind, block):
            a, b = block[i], block[j]
            if a.mention_id == b.mention_id or (kind == "pp" and not _untimed_pair(a, b)):
                continue
            if (a.status == "referenced") != (b.status == "referenced"):
                continue  # a referenced mention joins an event after clustering
            compared += 1
            rule = match(a, b)
            if rule:
                out.append((min(a.mention_id, b.mention_id), max(a.mention_id, b.mention_id), rule))
    return out, compared


def _neighbour_pairs(kind: str, block: list[Mention]) -> Iterator[tuple[int, int]]:
    """Index pairs of a sorted block: each with the next MAX_BLOCK. In a block of party-key pairs
    only pairs with a side that has no day-and-month can be untimed, so only those sides are
    walked (each with MAX_BLOCK neighbours either way)."""
    n = len(block)
    if kind != "pp":
        for i in range(n):
            for j in range(i + 1, min(n, i + 1 + MAX_BLOCK)):
                yield i, j
        return
    for i in range(n):
        if block[i].month_day is not None:
            continue
        for j in range(max(0, i - MAX_BLOCK), min(n, i + 1 + MAX_BLOCK)):
            if j != i and not (block[j].month_day is None and j < i):
                yield i, j


# --- clustering ----------------------------------------------------------------------------

class _Clusters:
    """Union-find whose clusters keep what must stay consistent inside one signing: one day,
    one day-and-month, one status per article. A union that would break it is refused, so a
    chain of links cannot join two signings that no single link joins."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.facts: dict[str, tuple[set, set, dict]] = {}

    def add(self, m: Mention) -> None:
        if m.mention_id not in self.parent:
            self.parent[m.mention_id] = m.mention_id
            self.facts[m.mention_id] = ({m.date} - {None}, {m.month_day} - {None}, {m.article_id: {m.status}})

    def find(self, x: str) -> str:
        root = x
        while root != self.parent[root]:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        (da, ma, sa), (db, mb, sb) = self.facts[ra], self.facts[rb]
        if len(da | db) > 1 or len(ma | mb) > 1:
            return False
        if any(len(sa[k] | sb[k]) > 1 for k in sa.keys() & sb.keys()):
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        merged = {k: sa.get(k, set()) | sb.get(k, set()) for k in sa.keys() | sb.keys()}
        self.facts[ra] = (da | db, ma | mb, merged)
        del self.facts[rb]
        return True


# stronger evidence links first: a refused union leaves the weaker link out
_RULE_ORDER = ("parties+day", "parties+month_day", "party+day+words", "party+month_day+words",
               "parties+window", "party+window+words", "parties+words", "party+words")


def _rank(rule: str) -> int:
    return _RULE_ORDER.index(rule) if rule in _RULE_ORDER else len(_RULE_ORDER)


@dataclass
class Linked:
    """The result: every mention's event and the rule that put it there."""
    event_of: dict[str, str]  # mention_id → event_id
    rule_of: dict[str, str]  # mention_id → rule ("first" for the first mention of an event)
    mentions: dict[str, Mention]
    pairs_compared: int = 0  # candidate pairs the rules were asked about (a pair in two blocks counts twice)

    def events(self) -> dict[str, list[Mention]]:
        out: dict[str, list[Mention]] = defaultdict(list)
        for mid, eid in self.event_of.items():
            out[eid].append(self.mentions[mid])
        for ms in out.values():
            ms.sort(key=Mention.order_key)
        return dict(out)


def event_id(first: Mention) -> str:
    return "ev_" + hashlib.sha1(f"{first.article_id}\x1f{first.mention_id}".encode()).hexdigest()[:16]


def _chunks(seq: list, size: int) -> Iterator[list]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def link(mentions: Iterable[Mention], engine=None, chunk_blocks: int = 256) -> Linked:
    """Link mentions into events. `engine` (a pipeline.engines engine) runs the per-block
    comparison on its workers; without one it runs here."""
    by_id: dict[str, Mention] = {}
    for m in mentions:
        by_id.setdefault(m.mention_id, m)  # the same agreement twice (a records file loaded twice) is one mention
    # one node per signature: identical reports (syndicated copies) are compared once; the
    # k-th mention of a signature in an article is the k-th node of that signature
    nodes: dict[tuple, Mention] = {}
    members: dict[str, list[str]] = defaultdict(list)
    seen_in_article: Counter = Counter()
    for mid in sorted(by_id):
        m = by_id[mid]
        # a report naming no party is one with another only when its evidence is the same long text
        sig = m.signature() if m.keys or len(m.evidence) >= KEYLESS_MIN_EVIDENCE else ("mention", mid)
        seen_in_article[(m.article_id, sig)] += 1
        rep = nodes.setdefault((sig, seen_in_article[(m.article_id, sig)]), m)
        members[rep.mention_id].append(mid)
    reps = sorted(nodes.values(), key=lambda m: m.mention_id)
    blocks = list(_candidate_groups(reps))
    uf = _Clusters()
    for mid in sorted(by_id):
        uf.add(by_id[mid])
    rule_of: dict[str, str] = {}
    for rep_id, mids in members.items():
        for mid in mids:
            if mid != rep_id and uf.union(rep_id, mid):
                rule_of[mid] = "same_signature"
    if engine is None:
        results: Iterable = [(None, compare_blocks(blocks))]
    else:
        results = engine.map_ordered(compare_blocks, _chunks(blocks, chunk_blocks))
    found: set[tuple[str, str, str]] = set()
    compared = 0
    for _, (chunk_edges, n) in results:
        found.update(chunk_edges)
        compared += n
    edges = sorted(found, key=lambda e: (_rank(e[2]), e))
    for a, b, rule in edges:
        if uf.union(a, b):
            rule_of.setdefault(max(a, b), rule)
    # referenced mentions: a cluster of them attaches to the event it refers to
    clusters: dict[str, list[Mention]] = defaultdict(list)
    for mid in sorted(by_id):
        clusters[uf.find(mid)].append(by_id[mid])
    articles = {r: {m.article_id for m in ms} for r, ms in clusters.items()}
    index = _ReferenceIndex([m for m in reps if m.status != "referenced"])
    rep_ids = {m.mention_id for m in reps}
    for root in sorted(r for r, ms in clusters.items() if all(m.status == "referenced" for m in ms)):
        best = None
        for ref in clusters[root]:
            if ref.mention_id not in rep_ids:
                continue
            for cand in index.candidates(ref):
                if articles[uf.find(cand.mention_id)] & articles[root]:
                    continue  # an article that tells both tells two signings
                rule = match_referenced(ref, cand)
                if rule:
                    score = (shared_parties(ref, cand), cand.anchor or dt.date.min, cand.mention_id)
                    if best is None or score > best[0]:
                        best = (score, cand, rule, ref)
        if best:
            target = uf.find(best[1].mention_id)
            if uf.union(target, root):
                articles[uf.find(root)] = articles[target] | articles[root]
                rule_of[best[3].mention_id] = best[2]
    # events and stable ids
    groups: dict[str, list[Mention]] = defaultdict(list)
    for mid, m in by_id.items():
        groups[uf.find(mid)].append(m)
    event_of: dict[str, str] = {}
    for ms in groups.values():
        ms.sort(key=Mention.order_key)
        eid = event_id(ms[0])
        for m in ms:
            event_of[m.mention_id] = eid
        # the first report's own link rule passes to the mention it was linked to
        handed = rule_of.get(ms[0].mention_id, "linked")
        rule_of[ms[0].mention_id] = "first"
        for m in ms[1:]:
            rule_of.setdefault(m.mention_id, handed)
    return Linked(event_of, rule_of, by_id, compared)


class _ReferenceIndex:
    """The reports a referenced mention may recall: those sharing two of its party keys (or one,
    when either side names one party). Each list is kept in time order and only its latest
    REFERENCE_CANDIDATES are asked, so a country pair told of thousands of times costs a bounded
    number of comparisons per reference."""

    def __init__(self, reports: list[Mention]) -> None:
        self.by_pair: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        self.by_key: dict[str, list[Mention]] = defaultdict(list)  # every report, by each key
        self.single: dict[str, list[Mention]] = defaultdict(list)  # reports naming one party
        for m in reports:
            keys = sorted(m.all_keys)
            for k in keys:
                self.by_key[k].append(m)
                if len(m.keys) == 1:
                    self.single[k].append(m)
            for i, k1 in enumerate(keys):
                for k2 in keys[i + 1:]:
                    self.by_pair[(k1, k2)].append(m)
        for table in (self.by_pair, self.by_key, self.single):
            for lst in table.values():
                lst.sort(key=lambda m: (m.anchor or dt.date.min, m.mention_id))

    def candidates(self, ref: Mention) -> list[Mention]:
        keys = sorted(ref.all_keys)
        if len(ref.keys) == 1:
            lists = [self.by_key.get(k, []) for k in keys]
        else:
            lists = [self.by_pair.get((k1, k2), []) for i, k1 in enumerate(keys) for k2 in keys[i + 1:]]
            lists += [self.single.get(k, []) for k in keys]
        seen: dict[str, Mention] = {}
        for lst in lists:
            for m in lst[-REFERENCE_CANDIDATES:]:
                seen.setdefault(m.mention_id, m)
        return [seen[k] for k in sorted(seen)]


def mentions_from_gold(gold: dict) -> list[Mention]:
    """The mentions of one gold file (../shared/dev/GUIDELINES.md): linking measured apart
    from extraction. The mention id is `article_id:index` (the agreement's place in the file)."""
    pub = _date(gold.get("published"))
    out = []
    for i, ag in enumerate(gold.get("agreements") or []):
        parties = ag.get("parties") or []
        out.append(Mention(
            mention_id=f"{gold['id']}:{i}", article_id=gold["id"], status=ag.get("status") or "signed",
            type=ag.get("type") or "other", parties=[p["name"] for p in parties],
            party_names=[[p["name"], *(p.get("aliases") or [])] for p in parties], date_value=ag.get("date"),
            published=pub, evidence=ag.get("evidence") or "", title=ag.get("title"), location=ag.get("location")))
    return out


def pairwise_scores(predicted: dict[str, str], gold: dict[str, str]) -> dict:
    """Pairwise precision and recall of a clustering against a gold one, over the keys of
    `gold`: a pair is positive when both mentions are in one event."""
    from itertools import combinations

    def pairs(assign: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for k in sorted(gold):
            groups[assign[k]].append(k)
        return {p for ks in groups.values() for p in combinations(ks, 2)}

    pred_pairs, gold_pairs = pairs(predicted), pairs(gold)
    tp = len(pred_pairs & gold_pairs)
    p = tp / len(pred_pairs) if pred_pairs else 1.0
    r = tp / len(gold_pairs) if gold_pairs else 1.0
    return {"precision": p, "recall": r, "tp": tp, "fp": len(pred_pairs) - tp, "fn": len(gold_pairs) - tp,
            "mentions": len(gold), "gold_events": len(set(gold.values()))}


# --- events and their best values ----------------------------------------------------------

def _pick(ms: list[Mention], value, among=None) -> tuple[object, str | None]:
    """The most frequent non-empty value (compared folded when a string) among `among` (default
    all mentions), ties to the earliest mention; with the agreement id it came from."""
    pool = [m for m in (among if among is not None else ms) if value(m)]
    if not pool:
        return None, None
    counts = Counter(fold(value(m)) if isinstance(value(m), str) else value(m) for m in pool)
    best = max(counts.values())
    for m in pool:  # pool is in event order (earliest report first)
        v = value(m)
        if counts[fold(v) if isinstance(v, str) else v] == best:
            return v, m.mention_id
    return None, None


def _event_row(eid: str, ms: list[Mention]) -> dict:
    told = [m for m in ms if m.status != "referenced"] or ms
    date_value, date_from = _pick(ms, lambda m: m.date and m.date_value[:10], told)
    if date_value is None:
        date_value, date_from = _pick(ms, lambda m: m.date_value, told)
    typ, type_from = _pick(ms, lambda m: m.type if m.type != "other" else None, told)
    if typ is None:
        typ, type_from = told[0].type, told[0].mention_id
    with_parties = [m for m in told if m.keys] or [m for m in ms if m.keys]
    sets = Counter(m.all_keys for m in with_parties)  # the party set most reports agree on, then the fullest
    party_src = max(with_parties, key=lambda m: (sets[m.all_keys], len(m.keys), -with_parties.index(m))) \
        if with_parties else None
    location, location_from = _pick(ms, lambda m: m.location, told)
    title, title_from = _pick(ms, lambda m: m.title, told)
    statuses = {m.status for m in ms}
    published = sorted(m.published for m in ms if m.published)
    return {
        "event_id": eid,
        "status": next(s for s in ("signed", "planned", "referenced") if s in statuses),
        "type": typ, "type_agreement_id": type_from,
        "date_value": date_value, "date": _date(date_value), "date_agreement_id": date_from,
        "parties": list(party_src.parties) if party_src else [],
        "party_keys": sorted(party_src.all_keys) if party_src else [],
        "parties_agreement_id": party_src.mention_id if party_src else None,
        "location": location, "location_agreement_id": location_from,
        "title": title, "title_agreement_id": title_from,
        "mention_count": len(ms), "article_count": len({m.article_id for m in ms}),
        "outlet_count": len({m.site for m in ms if m.site}),
        "first_reported": published[0] if published else None,
        "last_reported": published[-1] if published else None,
        "first_article_id": ms[0].article_id, "link_version": LINK_VERSION,
    }


def event_rows(linked: Linked) -> dict[str, list[dict]]:
    """The rows of the `events` and `event_mentions` tables, in a stable order."""
    events, mentions = [], []
    for eid, ms in sorted(linked.events().items()):
        events.append(_event_row(eid, ms))
        for m in ms:
            mentions.append({"agreement_id": m.mention_id, "event_id": eid, "article_id": m.article_id,
                             "status": m.status, "rule": linked.rule_of.get(m.mention_id, "linked"),
                             "published_date": m.published, "site": m.site, "link_version": LINK_VERSION})
    return {"events": events, "event_mentions": mentions}


def event_index(records: Iterable[dict]) -> dict[str, str]:
    """agreement_id → event_id for the agreements of these records (for the review page: the
    mentions of one event grouped)."""
    return link(mentions_from_records(records)).event_of


def mentions_from_duckdb(con) -> list[Mention]:
    """The mentions of every agreement in a kyket DuckDB database (for relinking after `kyket load`)."""
    parties: dict[str, list[list[str]]] = defaultdict(list)
    for gid, name, canonical in con.execute(
            "SELECT agreement_id, name, canonical FROM parties ORDER BY agreement_id, position").fetchall():
        parties[gid].append([name, canonical])
    out = []
    for row in con.execute(
            "SELECT a.agreement_id, a.article_id, a.status, a.type, a.date_value, a.evidence, a.title, a.location, "
            "a.confidence, r.published_at, r.source_site, r.source_url FROM agreements a JOIN articles r USING (article_id) "
            "ORDER BY a.agreement_id").fetchall():
        gid, aid, status, typ, date_value, evidence, title, location, conf, pub, site, url = row
        ps = parties.get(gid, [])
        out.append(Mention(mention_id=gid, article_id=aid, status=status, type=typ, parties=[p[1] for p in ps],
                           party_names=ps, date_value=date_value, published=_date(pub),
                           site=_site({"source": {"site": site, "url": url}}), evidence=evidence or "",
                           title=title, location=location, confidence=conf or 0.0))
    return out


def _month(row: dict) -> str:
    v = row.get("date_value") or ""
    if len(v) >= 7 and v[:4].isdigit():
        return v[:7]
    if v.startswith("--"):
        return "????-" + v[2:4]
    if v[:4].isdigit():
        return v[:4]
    first = row.get("first_reported")
    return f"{first:%Y-%m} (reported)" if first else "unknown"


def format_summary(events: list[dict], top: int = 10) -> str:
    """`kyket events`: counts, the largest events, events per month."""
    mentions = sum(e["mention_count"] for e in events)
    multi = [e for e in events if e["article_count"] > 1]
    lines = [f"agreements {mentions} -> events {len(events)}; {len(multi)} reported by more than one article "
             f"({sum(e['mention_count'] for e in multi)} agreements); "
             f"{sum(e['mention_count'] for e in events if e['mention_count'] > 1)} agreements share an event",
             "", f"largest events (top {top}):",
             f"  {'mentions':>8} {'articles':>8}  {'date':<10}  {'type':<28} parties | title"]
    order = sorted(events, key=lambda e: (-e["mention_count"], -e["article_count"], e["event_id"]))
    for e in order[:top]:
        parties = "; ".join(e["parties"] or [])[:70]
        title = f" | {e['title'][:40]}" if e.get("title") else ""
        lines.append(f"  {e['mention_count']:>8} {e['article_count']:>8}  {e.get('date_value') or '?':<10}  "
                     f"{e['type']:<28} {parties}{title}  [{e['event_id']}]")
    per = Counter(_month(e) for e in events)
    lines += ["", "events per month (signing date; ????-MM: day and month only; (reported): no date, first report):"]
    lines += [f"  {m:<18} {n:>6}" for m, n in sorted(per.items())]
    return "\n".join(lines) + "\n"
