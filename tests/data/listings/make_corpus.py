"""Derive the labelled listing corpus (dev.jsonl, test.jsonl) from the hand-written seeds.

Each seed yields itself and three variants that sellers' obfuscations and platform formatting
would produce: aliases respelled (U.K. Bio-bank, B1obank, full-width, zero-width, Cyrillic
look-alikes, 英 国 生 物, traditional characters, pinyin), Chinese numerals, sentence order,
decorations. A seed's group decides its split (a hash, 30% test), so the variants of one seed are
never on both sides. Deterministic: run ``.venv/bin/python -m tests.data.listings.make_corpus``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

from matcher.text.hanzi import T2S
from tests.data.listings.seeds_en import SEEDS_EN, Seed
from tests.data.listings.seeds_zh import SEEDS_ZH

HERE = Path(__file__).resolve().parent
VARIANTS = 3
TEST_SHARE = 30  # percent of seed groups held out

S2T = {simplified: chr(code) for code, simplified in sorted(T2S.items(), reverse=True)}
EN_ALIASES = re.compile(r"UK Biobank|UK Bio bank|Biobank UK|UKBB|UKB(?![a-z])", re.IGNORECASE)
EN_SPELLINGS = ["U.K. Bio-bank", "UK B1obank", "ＵＫ Ｂｉｏｂａｎｋ", "UK Bio\u200bbank", "U K Biobank",
                "Uk-Biobank", "UК Віоbank", "UKBB", "uk biobank", "UK Bi0bank", "U.K.B.", "UKB",
                "UK-BB", "UK Biobnak"]  # fmt: skip
ZH_ALIASES = re.compile(r"英国生物样本库|英国生物银行|UKB(?![a-z])")
ZH_SPELLINGS = ["英 国 生 物 样 本 库", "英\u200b国生物样本库", "英國生物樣本庫", "yingguo shengwu yangbenku",
                "英国Biobank", "U K B", "ＵＫＢ", "英国生物样本庫", "英国·生物·银行", "UK Biobank",
                "英国生物样品库"]  # fmt: skip
BOILERPLATE_EN = "\n\nShipping: worldwide. Min. order: 1 piece. Report this listing."
BOILERPLATE_ZH = "\n\n发货地：广东 深圳。起订量：1件。举报该商品。"
DECORATIONS = ["🔥 ", "✅ ", "★ ", "【推荐】", "[new] ", "⭐️", "** ", ""]


def _traditional(text: str) -> str:
    return "".join(S2T.get(ch, ch) for ch in text)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _shuffle_sentences(text: str, rng: random.Random) -> str:
    parts = [p for p in re.split(r"(?<=[.。!！?？\n])\s*", text) if p]
    rng.shuffle(parts)
    return " ".join(parts)


def _respell(text: str, pattern: re.Pattern[str], spelling: str) -> str:
    return pattern.sub(spelling, text)


def variant(seed: Seed, k: int) -> tuple[str, str, str]:
    """The k-th variant's (title, text, what was done)."""
    group, _kind, language, _label, title, text, _note = seed
    rng = random.Random(f"{group}/{k}")
    done = []
    if language == "zh" and rng.random() < 0.35:
        title, text = _traditional(title), _traditional(text)
        done.append("traditional")
    spellings = ZH_SPELLINGS if language == "zh" else EN_SPELLINGS
    pattern = ZH_ALIASES if language == "zh" else EN_ALIASES
    if pattern.search(title + text):
        spelling = rng.choice(spellings)
        title, text = _respell(title, pattern, spelling), _respell(text, pattern, spelling)
        done.append(f"alias→{spelling!r}")
    choice = rng.randrange(5)
    if choice == 0:
        text = _shuffle_sentences(text, rng)
        done.append("sentences shuffled")
    elif choice == 1:
        text = text.replace("50万", "五十万").replace("500k", "half a million")
        done.append("numbers respelled")
    elif choice == 2:
        title = _full_width(title) if rng.random() < 0.5 else title.upper()
        done.append("title width/case")
    elif choice == 3:
        text = text.replace(" ", " \u200b", 3)
        done.append("zero-width")
    else:
        text += BOILERPLATE_ZH if language == "zh" else BOILERPLATE_EN
        done.append("platform boilerplate")
    title = rng.choice(DECORATIONS) + title
    return title, text, ", ".join(done)


# Seed groups kept in dev whatever their hash, because a test result informed a profile change:
# the held-out split must stay untouched by tuning (see README.md, "History of the test split").
FORCED_DEV = {
    "en-r23": "merchandise false positive in the first test run (profile v1)",
    "en-r19": "a question about a field coding raised as an offer (text-2.0): informed the question terms",
    "zh-r19": "a literature digest raised by a correction model tried for text-2.8 (not shipped): read, informed that model",
}


def is_test(group: str) -> bool:
    if group in FORCED_DEV:
        return False
    digest = hashlib.sha256(group.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < TEST_SHARE


def records() -> list[dict[str, str]]:
    out = []
    for seed in [*SEEDS_EN, *SEEDS_ZH]:
        group, kind, language, label, title, text, note = seed
        split = "test" if is_test(group) else "dev"
        rows = [(title, text, "seed")] + [variant(seed, k) for k in range(1, VARIANTS + 1)]
        for k, (v_title, v_text, done) in enumerate(rows):
            out.append(
                {
                    "id": f"{group}-{k}",
                    "group": group,
                    "split": split,
                    "source_kind": kind,
                    "language": language,
                    "title": v_title,
                    "text": v_text,
                    "label": label,
                    "note": note if k == 0 else f"{note}; variant: {done}",
                }
            )
    return out


def main() -> None:
    rows = records()
    for split in ("dev", "test"):
        lines = [json.dumps(r, ensure_ascii=False) for r in rows if r["split"] == split]
        (HERE / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{split}: {len(lines)} listings")


if __name__ == "__main__":
    main()
