"""Score a listing: evidence combined into a calibrated score, a verdict and quoted reasons.

``score = sigmoid(bias + Σ weights)`` with the profile's log-odds weights: an alias hit (scaled by
its similarity when fuzzy), each cue group (one term, or two and more distinct terms), a size
claim, schema terms, negative contexts (summed, floored) and, when the profile has one and the
rules leave the verdict within its cap, the wording model's log-odds (:mod:`matcher.text.model`),
scaled and capped. A listing that never names the cohort is ``unrelated`` with score 0; one that
names it is ``leak-offer`` at or above the profile's threshold and ``related`` below. Every
contribution becomes a reason quoting the listing's own (normalised) words, so an analyst sees
why without opening the page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Final

from matcher.text.evidence import (
    CompiledProfile,
    Hit,
    compile_profile,
    drop_other_meanings,
    find_aliases,
    find_descriptors,
    find_disguised_aliases,
    find_evidence,
    find_named,
)
from matcher.text.evidence import find_fuzzy_alias as _find_fuzzy_alias
from matcher.text.hits import ByGroup, snippet
from matcher.text.model import shown
from matcher.text.normalise import normalise
from matcher.text.pages import (
    ABSOLUTE_NEGATIVES,
    OPENER,
    PAGE_WIDE_NEGATIVES,
    REPLY,
    REPLY_TITLE,
    chat_line,
    chat_names,
    has_pictographs,
    is_post,
    listing_body,
    page_parts,
    pictographs_read,
    says_how,
    speakers,
    subject,
)
from matcher.text.profile import CUE_GROUPS, CohortProfile
from matcher.text.terms import term_hits
from matcher.text.voice import (
    NEGATABLE,
    REPORTING,
    denied,
    disowned,
    drop_after_denials,
    drop_quoted_pitch,
    negated,
    negated_close,
)

SCORER_VERSION: Final = "text-2.20"
MAX_TERMS_QUOTED: Final = 4
_GROUP_LABELS: Final = {
    "data": "data terms",
    "offer": "sale intent",
    "transaction": "payment or delivery",
    "contact": "contact cue",
    "release": "says it holds real participant-level data",
}
# A run of Chinese characters, or a Latin word of two letters or more. It opens with one class (a
# look-behind then tells which script the run is in), so the regex engine skips to candidates.
_SCRIPT_RUNS: Final = re.compile(
    r"[a-z\u3400-\u9fff](?:(?<=[\u3400-\u9fff])[\u3400-\u9fff]*|(?<=[a-z])[a-z]+)"
)
_CORROBORATING: Final = (("cue", "data"), ("cue", "release"), ("size", "size"))
MAX_MEMO: Final = 4_096
MAX_FORMATS: Final = 1_024
_QUOTED: Final[dict[str, str]] = {}


class TextVerdict(StrEnum):
    """What a listing's text says about the cohort."""

    LEAK_OFFER = "leak-offer"
    RELATED = "related"
    UNRELATED = "unrelated"


@dataclass(frozen=True, init=False)
class TextScore:
    """A score in [0, 1], its verdict, the reasons behind it and the listing's language."""

    score: float
    verdict: TextVerdict
    reasons: tuple[str, ...] = ()
    language: str = "en"
    scorer_version: str = SCORER_VERSION

    def __init__(
        self,
        score: float,
        verdict: TextVerdict,
        reasons: tuple[str, ...] = (),
        language: str = "en",
        scorer_version: str = SCORER_VERSION,
    ) -> None:
        # The dataclass's own __init__, written out: compiled, instead of the one the dataclass
        # decorator generates at import, which the interpreter runs (~7,500 instructions a score).
        # Frozen all the same: it sets the fields as that one does, past the frozen __setattr__.
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "verdict", verdict)
        object.__setattr__(self, "reasons", reasons)
        object.__setattr__(self, "language", language)
        object.__setattr__(self, "scorer_version", scorer_version)


def detect_language(text: str) -> str:
    """``zh``, ``en`` or ``mixed``, from the share of Chinese characters among the letters."""
    if text.isascii():
        return "en"
    cjk = latin = 0
    run: str
    for run in _SCRIPT_RUNS.findall(text):  # Chinese runs and Latin words, in one pass
        if run[0] >= "\u3400":
            cjk += len(run)
        else:
            latin += len(run)
    if cjk == 0:
        return "en"
    share = 3 * cjk / (3 * cjk + latin)  # a Chinese character carries about a word's worth
    if share >= 0.75:
        return "zh"
    return "mixed" if share > 0.25 else "en"


def _sigmoid(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit))


def rounded_score(p: float) -> float:
    """``round(p, 3)`` for a probability, without the decimal conversion ``round`` makes (~200
    ns). The same float: ``p`` is a binary fraction, so it never lies exactly halfway between two
    thousandths, and ``p * 1000`` is off the exact product by less than 1e-13, so it picks the same
    nearer one unless it lies within 1e-9 of the halfway point (then ``round`` decides); division
    by 1000 gives the float nearest to that thousandth, as ``round`` does."""
    scaled = p * 1000.0
    whole = math.floor(scaled)
    rest = scaled - whole
    if 0.0 <= p <= 1.0 and abs(rest - 0.5) > 1e-9:
        return (whole + (rest > 0.5)) / 1000.0
    return round(p, 3)


def _quote(hits: list[Hit]) -> str:
    """The distinct terms of ``hits`` (the first twelve), quoted, and the first one's snippet."""
    terms: list[str] = []
    for hit in hits[:12]:
        if hit.term not in terms:
            terms.append(hit.term)
    quoted = ", ".join([_quoted(term) for term in terms])
    return f"{quoted}: “{hits[0].snippet}”"


def _quoted(term: str) -> str:
    """``repr(term)``, remembered: most terms are the profile's own and quoted again and again,
    and the repr of Chinese text checks every character. Bounded, since size claims and prices
    quote the listing's own words."""
    shown = _QUOTED.get(term)
    if shown is None:
        shown = repr(term)
        if len(_QUOTED) < MAX_MEMO:
            _QUOTED[term] = shown
    return shown


@lru_cache(maxsize=MAX_FORMATS)
def _labelled(label: str, weight: float) -> str:
    """A reason's opening, "data terms (+1.1): ", formatted once per label and weight. Bounded:
    the wording model's share and a fuzzy name's weight take any value."""
    return label + _weighed(weight)


def _pick(pair: tuple[float, float], count: int, *, many: int = 2) -> float:
    return pair[1] if count >= many else pair[0]


def _distinct(hits: list[Hit]) -> int:
    return len({hit.term for hit in hits})


def _uncorroborated(
    aliases: list[Hit], by_group: dict[tuple[str, str], list[Hit]], profile: CohortProfile
) -> bool:
    """Whether every name found is ambiguous ("ukb", "英国bb") and nothing around it speaks of
    data, size, fields, a research context or an offer in the profile's words (a bare price does
    not count): "UKB-104 keyboard, £59.99", "UK BB guns, delivery"."""
    if any(hit.term not in profile.ambiguous_aliases for hit in aliases):
        return False
    for kind, group in by_group:
        if (kind, group) in _CORROBORATING or kind in ("schema", "negative") or group == "contact":
            return False
    offer_terms = profile.cues["offer"]
    return not any(hit.term in offer_terms for hit in by_group.get(("cue", "offer"), ()))


def _corroborated(body: str, compiled: CompiledProfile) -> bool:
    """Whether the text holds a word that shows an ambiguous name means the cohort though no
    data, size or field term stands beside it: file sharing ("网盘", "解压密码", "mirror",
    "reupload"), the research platform ("dnanexus", "hesin") or a descriptor."""
    return next(term_hits(body, compiled.corroborating), None) is not None


def _name_reason(first: Hit, weight: float, described: list[Hit]) -> str:
    if described:
        terms = ", ".join(map(repr, dict.fromkeys([hit.term for hit in described])))
        name = f"identifies the cohort without naming it ({terms})"
    elif first.group == "pattern":
        name = f"names the cohort in other words ({first.term!r})"
    elif first.group == "fuzzy":
        name = f"close spelling of {first.term!r} ({first.strength:.0%} similar)"
    else:
        name = f"names the cohort ({_quoted(first.term)})"
    return f"{name}{_weighed(weight)}“{first.snippet}”"


@lru_cache(maxsize=MAX_FORMATS)
def _weighed(weight: float) -> str:
    """ " (+2.5): ", the weight as a reason shows it, formatted once per weight."""
    return f" ({weight:+.1f}): "


def score_normalised(body: str, profile: CohortProfile) -> TextScore:
    """Score already-normalised text (title and body joined)."""
    return _scored(body, profile)[0]


def _scored(body: str, profile: CohortProfile) -> tuple[TextScore, ByGroup]:
    """The score of normalised text, and the evidence that counted (none when it names nothing)."""
    language = detect_language(body)
    compiled = compile_profile(profile)
    aliases = drop_other_meanings(body, find_aliases(body, compiled), compiled)
    if not aliases:  # "Ü.K. Bîobank", "鹰国生物样本库": disguises the alias patterns do not read
        aliases = drop_other_meanings(body, find_disguised_aliases(body, compiled), compiled)
    described: list[Hit] = []
    evidence: list[Hit] | None = None
    if not aliases:
        named = find_named(body, compiled) or _find_fuzzy_alias(body, compiled)
        if named is not None:
            aliases = [named]
        else:
            described, evidence = find_descriptors(body, compiled)
            if not described:
                none = (f"no name of {profile.name} found",)
                return TextScore(0.0, TextVerdict.UNRELATED, none, language), {}
            aliases = described
    weights = profile.weights
    strength = max(h.strength for h in aliases)
    logit = weights.bias + weights.alias * strength
    reasons = [_name_reason(aliases[0], weights.alias * strength, described)]

    by_group: ByGroup = {}  # a plain dict: compiled code reads it directly, not a defaultdict
    for hit in find_evidence(body, compiled) if evidence is None else evidence:
        if hit.group == "release" and (negated(hit) or disowned(hit)):
            continue  # "no real participants", "非真实参与者", "与任何真实参与者无关"
        if (hit.kind == "negative" or hit.group in NEGATABLE) and negated_close(hit):
            continue  # "no selling of medical data", "不是汇总统计", "not a scam"
        key = (hit.kind, hit.group)
        found = by_group.get(key)
        if found is None:
            by_group[key] = [hit]
        else:
            found.append(hit)
    if ("negative", "buying") not in by_group:
        _wanted_name(body, aliases, by_group)
    if ("negative", "news") in by_group:
        _drop_news_in_descriptors(body, by_group, compiled)
    if any(("negative", group) in by_group for group in REPORTING):
        drop_quoted_pitch(body, by_group)
    if _uncorroborated(aliases, by_group, profile) and not _corroborated(body, compiled):
        other = (
            f"{aliases[0].term!r} here is not {profile.name}: "
            "no data, size, field, research or offer term beside it",
        )
        return TextScore(0.0, TextVerdict.UNRELATED, other, language), by_group
    denials = [] if described else [hit for hit in aliases if denied(hit)]
    if denials:  # "no UKB. have FinnGen R9, 500$", "UKB没有，有中国队列的，20万人"
        drop_after_denials(denials, by_group)
        reasons.append(f"the cohort is named to say it is not there: “{denials[0].snippet}”")
    for group in CUE_GROUPS:
        hits = by_group.get(("cue", group))
        if hits:
            w = _pick(weights.groups[group], _distinct(hits))
            logit += w
            reasons.append(_labelled(_GROUP_LABELS[group], w) + _quote(hits))
    size = by_group.get(("size", "size"))
    if size:
        logit += weights.size
        reasons.append(_labelled("size claim", weights.size) + _quote(size))
    schema = [h for (kind, _), hits in by_group.items() if kind == "schema" for h in hits]
    if schema:
        w = _pick(weights.schema, _distinct(schema), many=3)
        logit += w
        reasons.append(_labelled("schema terms", w) + _quote(schema))
    # Real participant-level data, said twice over, is not excused by the page being code, a paper
    # or a tutorial; said once ("真实数据" in a course's blurb), it only adds its weight.
    release = by_group.get(("cue", "release"), [])
    cancelled = weights.release_cancels if _distinct(release) >= 2 else frozenset()
    negative_total = 0.0
    for (kind, group), hits in by_group.items():
        if kind != "negative":
            continue
        w = _pick(weights.negatives.get(group, (0.0, 0.0)), _distinct(hits))
        label = group.replace("_", " ")
        if w and group in cancelled:
            reasons.append(f"negative context overridden by real data: {label}: {_quote(hits)}")
        elif w:
            negative_total += w
            reasons.append(_labelled(f"negative context: {label}", w) + _quote(hits))
    logit += max(negative_total, weights.negative_floor)
    # The wording model may move the score by at most its cap, so it is consulted only when the
    # rules leave the verdict within that reach of the threshold; clear cases are the rules' alone.
    cap = profile.model_cap
    if profile.model is not None and abs(logit - _threshold_logit(profile)) < cap:
        model_logit, shares = profile.model.evidence(body)
        w = max(-cap, min(cap, profile.model_weight * model_logit))
        logit += w
        reasons.append(_model_reason(w, shares, body))
    return _verdict(logit, reasons, language, profile), by_group


# A word that asks for what the name right after it names: "求 U K B 全量", "looking for U K B B"
# (the profile's buying terms hold "求ukb" and "收 ukb", not every spelling of the name); not a
# seller's "if you want UKB" or "you're looking for UKB"
_WANTS: Final = re.compile(
    r"(?:求购?|收购?|(?<![a-z])(?<!you )(?<!you're )(?<!you are )(?:looking for|wtb|want))\s*$"
)
_WANTS_REACH: Final = 12


def _wanted_name(body: str, aliases: list[Hit], by_group: ByGroup) -> None:
    """A buying hit for the first alias that a word of asking stands right before."""
    for hit in aliases:
        if hit.kind != "alias" or hit.group != "alias":
            continue
        start = hit.start - _WANTS_REACH if hit.start > _WANTS_REACH else 0
        asked = _WANTS.search(body, start, hit.start)
        if asked is not None:
            term = asked.group().strip()
            by_group[("negative", "buying")] = [
                Hit("negative", "buying", term, body, asked.start(), asked.start() + len(term))
            ]
            return


# News words that point at the copy the news was about ("新闻里阿里那批", "部长在议会里说的那份",
# "被挂出来又被下架的那批", "字段跟新闻里说的一样",
# "row counts match what the news said", "the one from the news")
_NEWS_COPY: Final = re.compile(
    r"(?:新闻|报道|部长|议会|大臣|被挂出)[^。!?,;，；\n]{0,10}?(?:那批|那份)|新闻里?说的一样"
    r"|what the news (?:said|says|reported)|(?:the|same) (?:one|copy|files?) (?:from|in) the news"
)


def _drop_news_in_descriptors(body: str, by_group: ByGroup, compiled: CompiledProfile) -> None:
    """Leave out news words inside the profile's descriptor phrases or pointing at "that copy":
    "就是新闻里阿里那批" is a reseller naming the copy the news was about, not a news report."""
    spans = [m.span() for m in _NEWS_COPY.finditer(body)]
    if compiled.descriptor_re.search(body) is not None:
        spans.extend((p.start, p.end) for p in term_hits(body, compiled.descriptors))
    if not spans:
        return
    news = by_group[("negative", "news")]
    kept = [h for h in news if not any(a <= h.start and h.end <= b for a, b in spans)]
    if not kept:
        del by_group[("negative", "news")]
    elif len(kept) < len(news):
        by_group[("negative", "news")] = kept


def _threshold_logit(profile: CohortProfile) -> float:
    p = profile.leak_offer_threshold
    return math.log(p / (1 - p))


def _model_reason(weight: float, shares: dict[str, float], body: str) -> str:
    """The wording model's share of the score, the n-grams that pushed hardest its way, and the
    text around the strongest of them."""
    strongest = _strongest(shares, 1.0 if weight >= 0 else -1.0)
    kind = "leak offers" if weight >= 0 else "listings that offer nothing"
    opening = _labelled(f"wording like the corpus's {kind}", weight)
    if not strongest:
        return opening + "no single word stands out"
    quoted = ", ".join([repr(shown(g)) for g in strongest])
    first = strongest[0].split(" ", 1)[0]
    at = max(body.find(first), 0)
    return f"{opening}{quoted}: “{snippet(body, at, at + len(first))}”"


def _strongest(shares: dict[str, float], sign: float) -> list[str]:
    """The :data:`MAX_TERMS_QUOTED` n-grams with the largest ``weight × sign`` above zero, largest
    first (ties: the larger n-gram first), as ``heapq.nlargest`` of (weight × sign, n-gram) picks
    them; a compiled loop over a short list is quicker than either it or a full sort."""
    best: list[tuple[float, str]] = []
    for gram, w in shares.items():
        value = w * sign
        if value <= 0:
            continue
        if len(best) == MAX_TERMS_QUOTED:
            low, low_gram = best[-1]
            if value < low or (value == low and gram < low_gram):
                continue
            best.pop()
        at = len(best)
        while at and (
            value > best[at - 1][0] or (value == best[at - 1][0] and gram > best[at - 1][1])
        ):
            at -= 1
        best.insert(at, (value, gram))
    return [gram for _, gram in best]


def _verdict(logit: float, reasons: list[str], language: str, profile: CohortProfile) -> TextScore:
    score = rounded_score(_sigmoid(logit))
    verdict = (
        TextVerdict.LEAK_OFFER if score >= profile.leak_offer_threshold else TextVerdict.RELATED
    )
    return TextScore(score, verdict, tuple(reasons), language)


def _part_offer(
    part: str,
    title: str,
    text: str,
    profile: CohortProfile,
    thread: list[str],
    names: frozenset[str] = frozenset(),
) -> TextScore | None:
    """The score of a part of a page when it offers the data on its own, else None. The part must
    offer and say how (a price, a contact, rows); it is read alone, with the title when it does
    not name the cohort itself, and a reply with the name the thread uses (``thread`` holds that
    name once read): "WTB UK Biobank" above "Reply — x: I have it, can send a sample, TG @x". A
    chat speaker's line (:func:`~matcher.text.pages.chat_names`) counts as a reply; the opener's
    own post ("[OP] …", "5楼 楼主 …") does not: the title is its own words."""
    compiled = compile_profile(profile)
    offering: dict[str, list[Hit]] = {}
    for hit in find_evidence(normalise(part), compiled):
        if hit.kind == "cue":
            offering.setdefault(hit.group, []).append(hit)
    if not says_how(offering):
        return None
    scored = score_normalised(listing_body(title="", text=part), profile)
    if scored.verdict is TextVerdict.UNRELATED:  # the name is in the title, not the part
        scored = score_normalised(listing_body(title=title, text=part), profile)
    if (
        scored.verdict is not TextVerdict.LEAK_OFFER
        and (REPLY.match(part) or chat_line(part, names))
        and not OPENER.match(part)
    ):
        if not thread:
            thread.append(subject(title, text, compiled))
        if thread[0]:
            scored = score_normalised(listing_body(title=thread[0], text=part), profile)
    return scored if scored.verdict is TextVerdict.LEAK_OFFER else None


def score_listing_text(*, title: str, text: str, profile: CohortProfile) -> TextScore:
    """Score how likely a listing offers the cohort's participant data, with reasons.

    A page is scored whole first; a listing titled "Re: …" that is no offer as a whole is read
    again with the thread's name for the cohort instead of its title. When it names the cohort but
    is not a leak offer as a whole, and it has several parts (lines or paragraphs: replies in a
    thread, items of a channel digest, a shop's menu), each part that itself offers and says how
    (two of offer, payment, contact, real rows, or two distinct offer or delivery terms) is also
    scored: alone when it names the cohort, else with the title; a reply or a chat line that is
    still no offer is scored with the name the thread uses and without the title's words (a
    buyer's "WTB" title does not speak for a seller's reply). When no part offers, the lines of
    each chat speaker are read together (an offer spread over "有, 50万全量, DM" … "200u"). One reply
    that sells the data is an offer even when the thread around it is news or buy requests. "No
    data included" ends it there; code, news, warnings, help, courses and data kept on the platform
    leave only posts of their own (replies, chat lines, shop items) to be scored.
    """
    whole, groups = _scored(listing_body(title=title, text=text), profile)
    if whole.verdict is TextVerdict.UNRELATED and not groups and has_pictographs(title, text):
        # "🇬🇧 Biobank", "英国生物🏦": the flag stands for "UK", the bank for 银行 (normalisation
        # reads pictographs as a space)
        read = listing_body(title=pictographs_read(title), text=pictographs_read(text))
        named, named_groups = _scored(read, profile)
        if named.verdict is not TextVerdict.UNRELATED:
            whole, groups = named, named_groups
    if whole.verdict is not TextVerdict.RELATED:
        return whole
    if any(("negative", group) in groups for group in ABSOLUTE_NEGATIVES):
        return whole  # "no data included", a README: true of every part
    thread: list[str] = []  # the thread's name for the cohort, read once when a reply needs it
    if REPLY_TITLE.match(title):
        # a reply under the thread's title: "Re: WTB UK Biobank" is the opener's intent, not the
        # replier's ("I have it, can send the tsv, PM me"); read with the name the thread uses
        thread.append(subject(title, text, compile_profile(profile)))
        reply = (
            score_normalised(listing_body(title=thread[0], text=text), profile)
            if thread[0]
            else whole
        )
        if reply.verdict is TextVerdict.LEAK_OFFER:
            opening = (
                f"a reply that offers the data on its own, under the thread's title "
                f"(the page as a whole scores {whole.score:.2f})"
            )
            return TextScore(reply.score, reply.verdict, (opening, *reply.reasons), whole.language)
    if not says_how({group: hits for (kind, group), hits in groups.items() if kind == "cue"}):
        return whole  # no part can offer and say how when the page as a whole does not
    parts = page_parts(text)
    if len(parts) < 2:
        return whole
    # news, warnings, help or courses on the page: only a post of its own (a reply, a chat line,
    # a shop item) can still offer; a paragraph of an article that quotes a listing cannot
    posts_only = any(("negative", group) in groups for group in PAGE_WIDE_NEGATIVES)
    names = chat_names(parts)
    best: tuple[int, TextScore] | None = None
    for number, part in enumerate(parts, start=1):
        if posts_only and not is_post(part, names):
            continue
        scored = _part_offer(part, title, text, profile, thread, names)
        if scored is not None and (best is None or scored.score > best[1].score):
            best = number, scored
    if best is None:
        # a chat seller's offer spread over lines ("有, 50万全量, DM" … "200u, 先发sample"): the
        # lines of one speaker, read together
        for who, said in speakers(parts, names).items():
            scored = _part_offer(" ".join(said), title, text, profile, thread)
            if scored is not None:
                opening = (
                    f"{len(said)} lines of one speaker ({who}) offer the data together "
                    f"(the page as a whole scores {whole.score:.2f})"
                )
                return TextScore(
                    scored.score, scored.verdict, (opening, *scored.reasons), whole.language
                )
    if best is None:
        return whole
    number, scored = best
    quoted = snippet(normalise(parts[number - 1]), 0, 0)
    opening = (
        f"part {number} of {len(parts)} of the page offers the data on its own "
        f"(the page as a whole scores {whole.score:.2f}): “{quoted}”"
    )
    return TextScore(scored.score, scored.verdict, (opening, *scored.reasons), whole.language)
