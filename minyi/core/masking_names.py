"""Personal names inside free text (O4): 联系人王建国 → 联系人王**, 居民代表陈志明 → 居民代表陈**.

A name is found by jieba's part-of-speech tagger (its dictionary and HMM ship in the package; nothing
is downloaded): a word tagged as a person name (nr) that starts with a common surname, is two to four
Chinese characters long, is not a common dictionary word (jieba tags 谢谢 and 张贴 as names too) and
is not the first part of a place (金沙 in 金沙社区). A word right after a cue such as 联系人/我叫/姓名
is taken as a name when it starts with a surname, whatever its tag. Honorifics without a given name
(张先生, 王阿姨) are how public boards already write people and stay as they are.

This is a heuristic: it masks what it recognises and can miss a rare name; phone and ID numbers are
masked by pattern in `masking.mask_text`, which calls this.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from minyi.core.masking_surnames import COMMON_SURNAMES, COMPOUND_SURNAMES

if TYPE_CHECKING:
    from jieba.posseg import POSTokenizer

# A dictionary word this frequent is a word first (金沙 83, 张贴 401, 谢谢 1089); given names found by
# the tagger are rare in the dictionary (王建国 12, 陈志明 3) or absent from it (刘强, 韩梅梅).
COMMON_WORD_FREQUENCY = 50
# What a place name goes on with: 金沙 + 社区, 黄河 + 路.
PLACE_STARTS = (
    "社区", "小区", "区", "路", "街", "巷", "村", "镇", "乡", "县", "市", "省", "广场", "公园", "大道",
    "桥", "河", "湖", "山", "花园", "苑", "府", "里", "站", "中学", "小学", "学校", "医院", "公司", "局",
    "场", "道", "湾", "坝", "庄", "园", "城", "厂", "店", "办",
)  # fmt: skip
# A word ending so is a place the tagger took for a name (林荫道, 石羊场).
PLACE_ENDINGS = frozenset("路街巷道村镇乡区县市省场园湾坝庄桥")
# Surnames that are far more often an ordinary character at the start of a word (于本周, 何时, 文明办):
# a word starting with one of these is taken as a name only right after a cue (我叫何平).
AMBIGUOUS_SURNAMES = frozenset("于何文和时应全成明向常关解单管查路游连项车简安万师商农司古")
# Words after which the next word is the speaker's or a contact's name.
NAME_CUES = frozenset(["联系人", "姓名", "我叫", "名叫", "叫", "本人", "反映人", "来电人", "签名", "署名"])

_lock = threading.Lock()
_tagger: POSTokenizer | None = None


def _pos_tagger() -> POSTokenizer:
    """jieba's part-of-speech tagger over its default dictionary, built on first use (thread-safe)."""
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(60)
                _tagger = jieba.posseg.POSTokenizer(jieba.dt)
    return _tagger


def _starts_with_surname(word: str) -> bool:
    if word[:2] in COMPOUND_SURNAMES:
        return len(word) >= 3
    return word[0] in COMMON_SURNAMES


def _is_chinese(word: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" for char in word)


def _looks_like_name(word: str, flag: str, after_cue: bool, following: str) -> bool:
    if not 2 <= len(word) <= 4 or not _is_chinese(word) or not _starts_with_surname(word):
        return False
    if following.startswith(PLACE_STARTS) or word[-1] in PLACE_ENDINGS:
        return False
    if after_cue:
        return True
    if not flag.startswith("nr"):
        return False
    if word[:2] in COMPOUND_SURNAMES:
        return True  # 司马光: a compound surname is a name even when the dictionary knows the word
    if word[0] in AMBIGUOUS_SURNAMES:
        return False
    import jieba

    return jieba.dt.FREQ.get(word, 0) < COMMON_WORD_FREQUENCY


def mask_names(text: str, mask: str = "*") -> str:
    """`text` with each recognised personal name reduced to its surname and one mask per other character."""
    if not any("\u4e00" <= char <= "\u9fff" for char in text):
        return text
    pairs = [(pair.word, pair.flag) for pair in _pos_tagger().cut(text)]
    out: list[str] = []
    for index, (word, flag) in enumerate(pairs):
        following = pairs[index + 1][0] if index + 1 < len(pairs) else ""
        previous = pairs[index - 1][0] if index > 0 else ""
        after_cue = previous in NAME_CUES
        if previous in COMPOUND_SURNAMES and flag.startswith("nr") and len(word) <= 2 and _is_chinese(word):
            out.append(mask * len(word))  # 欧阳 + 娜娜: the tagger splits a compound surname off
        elif _looks_like_name(word, flag, after_cue, following):
            keep = 2 if word[:2] in COMPOUND_SURNAMES else 1
            out.append(word[:keep] + mask * (len(word) - keep))
        else:
            out.append(word)
    return "".join(out)
