"""The cohort profile: names, cues, fields and weights of one cohort, loaded from YAML.

A profile is data an operator edits (docs/cohort-profile.md); the shipped one for UK Biobank is
``matcher/profiles/ukbiobank.yaml``. :func:`parse_profile` takes YAML text and returns a frozen
:class:`CohortProfile` with every term already normalised; anything malformed raises
:class:`ProfileError` naming the section. Loading reads the file it is given and, when its
``model`` section names one, the wording model beside it (:mod:`matcher.text.model`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from matcher.errors import MatchError
from matcher.text.model import ModelError, WordingModel, parse_model
from matcher.text.normalise import normalise

CUE_GROUPS = ("data", "offer", "transaction", "contact", "release")
NEGATIVE_GROUPS = (
    "goods",
    "literature",
    "training",
    "access_help",
    "jobs",
    "warning",
    "news",
    "other_cohorts",
    "code",
    "buying",
    "comparison",
    "no_data",
    "stays_on_platform",
)
MAX_PROFILE_BYTES = 1_000_000
SHIPPED_PROFILE = "ukbiobank.yaml"


class ProfileError(MatchError):
    """A cohort profile is missing, is not valid YAML, or a section has the wrong shape."""


@dataclass(frozen=True)
class FieldTerms:
    """One field of the cohort: its ID and its titles as listings write them."""

    field_id: int
    titles: tuple[str, ...]


@dataclass(frozen=True)
class Weights:
    """Log-odds weights: ``score = sigmoid(bias + sum of evidence weights)``."""

    bias: float
    alias: float
    groups: Mapping[str, tuple[float, float]]  # cue group -> (one term, two or more)
    size: float
    schema: tuple[float, float]
    negatives: Mapping[str, tuple[float, float]]  # negative group -> (one term, two or more)
    negative_floor: float
    release_cancels: frozenset[str] = frozenset()  # negative groups a "release" cue overrides


@dataclass(frozen=True, eq=False)
class CohortProfile:
    """Everything the text scorer knows about one cohort, every term normalised.

    Compared and hashed by identity, so compiled matchers can be cached per profile object.
    """

    name: str
    version: int
    aliases: tuple[str, ...]
    fuzzy_aliases: tuple[str, ...]
    fuzzy_min_similarity: float
    size_min: int
    size_max: int
    size_phrases: tuple[str, ...]
    cues: Mapping[str, tuple[str, ...]]
    negatives: Mapping[str, tuple[str, ...]]
    fields: tuple[FieldTerms, ...]
    weights: Weights
    leak_offer_threshold: float
    descriptors: tuple[str, ...] = ()  # phrases that identify the cohort without its name
    descriptor_min: int = 2  # distinct descriptors that count as naming the cohort
    ambiguous_aliases: frozenset[str] = frozenset()  # aliases that also name something else
    corroborating: tuple[str, ...] = ()  # terms showing an ambiguous alias means the cohort
    other_meanings: tuple[str, ...] = ()  # phrases showing an ambiguous alias means that
    name_patterns: tuple[str, ...] = ()  # regexes that name the cohort in other words
    model: WordingModel | None = None  # learned wording log-odds, added for named listings
    model_weight: float = 0.0  # how much of the model's log-odds the score takes
    model_cap: float = 2.0  # the model moves a score by at most this much log-odds either way

    @property
    def field_ids(self) -> frozenset[int]:
        return frozenset(f.field_id for f in self.fields)


def _terms(value: Any, where: str) -> tuple[str, ...]:
    """A list of strings, or a mapping of language -> list of strings, flattened and normalised."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        nested = (t for key, item in value.items() for t in _terms(item, f"{where}.{key}"))
        return tuple(dict.fromkeys(nested))
    if not isinstance(value, list) or not all(isinstance(t, str | int) for t in value):
        raise ProfileError(f"profile section {where!r} must be a list of terms")
    terms = (normalise(str(t)) for t in value)
    return tuple(dict.fromkeys(t for t in terms if t))


def _section(data: Mapping[str, Any], key: str) -> Any:
    if key not in data:
        raise ProfileError(f"profile has no {key!r} section")
    return data[key]


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(f"profile {where!r} must be a number, not {value!r}")
    return float(value)


def _pair(value: Any, where: str) -> tuple[float, float]:
    if isinstance(value, list) and len(value) == 2:
        return _number(value[0], where), _number(value[1], where)
    one = _number(value, where)
    return one, one


def _group_weight(data: Mapping[str, Any], group: str) -> Any:
    """A cue group's weight; ``release`` (added in profile version 2) may be left out."""
    return data.get(group, 0.0) if group == "release" else _section(data, group)


def _weights(data: Any) -> Weights:
    if not isinstance(data, Mapping):
        raise ProfileError("profile section 'weights' must be a mapping")
    negatives = _section(data, "negatives")
    if not isinstance(negatives, Mapping):
        raise ProfileError("profile section 'weights.negatives' must be a mapping")
    return Weights(
        bias=_number(_section(data, "bias"), "weights.bias"),
        alias=_number(_section(data, "alias"), "weights.alias"),
        groups=MappingProxyType(
            {g: _pair(_group_weight(data, g), f"weights.{g}") for g in CUE_GROUPS}
        ),
        size=_number(_section(data, "size"), "weights.size"),
        schema=_pair(_section(data, "schema"), "weights.schema"),
        negatives=MappingProxyType(
            {g: _pair(negatives.get(g, 0.0), f"weights.negatives.{g}") for g in NEGATIVE_GROUPS}
        ),
        negative_floor=_number(data.get("negative_floor", -5.0), "weights.negative_floor"),
        release_cancels=frozenset(_release_cancels(data.get("release_cancels"))),
    )


def _release_cancels(value: Any) -> tuple[str, ...]:
    groups = _terms(value, "weights.release_cancels")
    unknown = set(groups) - set(NEGATIVE_GROUPS)
    if unknown:
        raise ProfileError(f"weights.release_cancels names unknown groups {sorted(unknown)}")
    return groups


def _fields(data: Any) -> tuple[FieldTerms, ...]:
    if not isinstance(data, list):
        raise ProfileError("profile section 'fields' must be a list")
    fields: dict[int, FieldTerms] = {}
    for item in data:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), int):
            raise ProfileError(f"profile field {item!r} needs an integer 'id'")
        if item["id"] in fields:
            raise ProfileError(f"profile field {item['id']} is listed twice")
        titles = _terms(item.get("en"), "fields.en") + _terms(item.get("zh"), "fields.zh")
        fields[item["id"]] = FieldTerms(item["id"], titles)
    return tuple(fields.values())


def _with_dictionary_titles(fields: tuple[FieldTerms, ...], wanted: Any) -> tuple[FieldTerms, ...]:
    """``fields`` plus the titles the fingerprint's schema mapper knows (the shipped UK Biobank
    dictionary subset, English, and the Chinese translations seen on resale listings), so listing
    text and sample headers are read with one vocabulary. Short English titles ("Sex", "Urea")
    are left to the profile: as words in running text they say little."""
    if wanted is not True:
        if wanted is not False:
            raise ProfileError("profile 'fields_from_dictionary' must be true or false")
        return fields
    from matcher.dictionary import load_dictionary
    from matcher.schema import CHINESE_TITLES

    titles: dict[int, list[str]] = {f.field_id: list(f.titles) for f in fields}
    for field_id, info in load_dictionary().fields.items():
        extra = [info.title] if len(info.title) >= 8 else []
        extra += CHINESE_TITLES.get(field_id, ())
        known = titles.setdefault(field_id, [])
        known.extend(t for t in map(normalise, extra) if t and t not in known)
    return tuple(FieldTerms(field_id, tuple(names)) for field_id, names in titles.items())


def parse_profile(
    text: str, *, source: str = "profile", folder: Path | Traversable | None = None
) -> CohortProfile:
    """Parse a cohort profile from YAML text; ``source`` names it in error messages, ``folder``
    is where its wording model file is (needed only when the profile has a ``model`` section)."""
    if len(text) > MAX_PROFILE_BYTES:
        raise ProfileError(f"{source}: profile is larger than {MAX_PROFILE_BYTES} bytes")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ProfileError(f"{source}: not valid YAML{where}") from exc
    if not isinstance(data, Mapping):
        raise ProfileError(f"{source}: a profile is a YAML mapping with name, aliases, cues, ...")
    try:
        profile = _build(data)
        section = data.get("model")
        if section is None:
            return profile
        model, weight, cap = _model(section, folder)
    except ProfileError as exc:
        raise ProfileError(f"{source}: {exc}") from None
    return replace(profile, model=model, model_weight=weight, model_cap=cap)


def _model(section: Any, folder: Path | Traversable | None) -> tuple[WordingModel, float, float]:
    """The wording model the ``model`` section names, read from the profile's folder."""
    if not isinstance(section, Mapping) or not isinstance(section.get("file"), str):
        raise ProfileError("profile section 'model' needs 'file' (a JSON file beside it)")
    weight = _number(section.get("weight", 1.0), "model.weight")
    cap = _number(section.get("cap", 2.0), "model.cap")
    if weight < 0 or cap < 0:
        raise ProfileError("profile 'model.weight' and 'model.cap' must not be negative")
    name = section["file"]
    if "/" in name or "\\" in name or name.startswith("."):
        raise ProfileError(f"model file {name!r} must be a plain file name beside the profile")
    if folder is None:
        raise ProfileError("profile has a 'model' section but no folder to read its file from")
    try:
        text = folder.joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(
            f"cannot read model file {name!r} beside the profile ({exc.__class__.__name__});"
            " copy it there, or remove the 'model' section"
        ) from exc
    try:
        return parse_model(text, source=name), weight, cap
    except ModelError as exc:
        raise ProfileError(str(exc)) from None


def _patterns(value: Any) -> tuple[str, ...]:
    """The profile's name patterns: regular expressions matched against normalised text."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise ProfileError("profile 'name_patterns' must be a list of regular expressions")
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ProfileError(f"profile name pattern {pattern!r} is not valid: {exc}") from exc
    return tuple(value)


def _build(data: Mapping[str, Any]) -> CohortProfile:
    name = _section(data, "name")
    if not isinstance(name, str) or not name.strip():
        raise ProfileError("profile 'name' must be a non-empty string")
    aliases = _terms(_section(data, "aliases"), "aliases")
    if not aliases:
        raise ProfileError("profile section 'aliases' lists no alias")
    fuzzy = data.get("fuzzy") or {}
    descriptors = data.get("descriptors") or {}
    ambiguous = data.get("ambiguous") or {}
    if not isinstance(descriptors, Mapping) or not isinstance(ambiguous, Mapping):
        raise ProfileError("profile sections 'descriptors' and 'ambiguous' must be mappings")
    size = _section(data, "size")
    cues = _section(data, "cues")
    negatives = _section(data, "negatives")
    if not isinstance(size, Mapping) or not isinstance(cues, Mapping):
        raise ProfileError("profile sections 'size' and 'cues' must be mappings")
    if not isinstance(negatives, Mapping) or not isinstance(fuzzy, Mapping):
        raise ProfileError("profile sections 'negatives' and 'fuzzy' must be mappings")
    unknown = (set(cues) - set(CUE_GROUPS)) | (set(negatives) - set(NEGATIVE_GROUPS))
    if unknown:
        raise ProfileError(f"profile has unknown cue groups {sorted(unknown)}")
    size_min = int(_number(_section(size, "min"), "size.min"))
    size_max = int(_number(_section(size, "max"), "size.max"))
    if not 0 < size_min <= size_max:
        raise ProfileError("profile 'size' needs 0 < min <= max")
    thresholds = data.get("thresholds") or {}
    threshold = _number(thresholds.get("leak_offer", 0.5), "thresholds.leak_offer")
    if not 0.0 < threshold < 1.0:
        raise ProfileError("profile 'thresholds.leak_offer' must be between 0 and 1")
    return CohortProfile(
        name=name.strip(),
        version=int(_number(data.get("version", 1), "version")),
        aliases=aliases,
        fuzzy_aliases=_terms(fuzzy.get("aliases"), "fuzzy.aliases"),
        fuzzy_min_similarity=_number(fuzzy.get("min_similarity", 88), "fuzzy.min_similarity"),
        size_min=size_min,
        size_max=size_max,
        size_phrases=_terms(size.get("phrases"), "size.phrases"),
        cues=MappingProxyType({g: _terms(cues.get(g), f"cues.{g}") for g in CUE_GROUPS}),
        negatives=MappingProxyType(
            {g: _terms(negatives.get(g), f"negatives.{g}") for g in NEGATIVE_GROUPS}
        ),
        fields=_with_dictionary_titles(
            _fields(data.get("fields") or []), data.get("fields_from_dictionary", False)
        ),
        weights=_weights(_section(data, "weights")),
        leak_offer_threshold=threshold,
        descriptors=_terms(descriptors.get("terms"), "descriptors.terms"),
        descriptor_min=int(_number(descriptors.get("min_distinct", 2), "descriptors.min_distinct")),
        ambiguous_aliases=frozenset(_terms(ambiguous.get("aliases"), "ambiguous.aliases")),
        other_meanings=_terms(ambiguous.get("other_meanings"), "ambiguous.other_meanings"),
        corroborating=_terms(ambiguous.get("corroborated_by"), "ambiguous.corroborated_by"),
        name_patterns=_patterns(data.get("name_patterns")),
    )


def load_profile(path: Path) -> CohortProfile:
    """Read and parse the profile at ``path``."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError(f"cannot read profile {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"profile {path} is not UTF-8 text") from exc
    return parse_profile(text, source=str(path), folder=path.parent)


@cache
def default_profile() -> CohortProfile:
    """The shipped UK Biobank profile (parsed once per process)."""
    folder = resources.files("matcher.profiles")
    text = folder.joinpath(SHIPPED_PROFILE).read_text("utf-8")
    return parse_profile(text, source=SHIPPED_PROFILE, folder=folder)
