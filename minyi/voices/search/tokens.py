"""Chinese text to search tokens with jieba (its dictionary ships in the package; nothing is downloaded).

The tokenizer is built lazily, once per process, on first use: loading jieba's dictionary takes about a
second, which start-up and most requests never pay. HMM new-word discovery is off so the same phrase
segments the same way in a stored item and in a query (with HMM on, 路灯不亮 may become 路 + 灯不亮).
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

# Words of residents' matters that jieba's general dictionary splits badly or not at all.
DOMAIN_WORDS = (
    "路灯", "不亮", "广场舞", "噪音扰民", "油烟扰民", "占道经营", "充电桩", "飞线充电", "电动车", "楼道",
    "积水", "井盖", "违章搭建", "违建", "物业费", "小区物业", "停车位", "乱停乱放", "垃圾清运", "垃圾分类",
    "化粪池", "下水道", "堵塞", "漏水", "停水", "停电", "燃气", "暖气", "不热", "加装电梯", "老旧小区",
    "养老服务", "助餐", "医保", "社保", "低保", "学位", "入学", "健身器材", "流浪狗", "共享单车",
)  # fmt: skip
# Segments of `jieba`'s dictionary that swallow a domain word (路 + 灯不亮).
DROPPED_WORDS = ("灯不亮",)
# Function words and fillers: they would make every item similar to every other.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "就",
        "还",
        "很",
        "又",
        "被",
        "把",
        "让",
        "给",
        "对",
        "向",
        "从",
        "到",
        "这",
        "那",
        "个",
        "我",
        "你",
        "他",
        "她",
        "它",
        "们",
        "我们",
        "你们",
        "他们",
        "有",
        "没",
        "没有",
        "不",
        "要",
        "会",
        "能",
        "可以",
        "一个",
        "一些",
        "这个",
        "那个",
        "什么",
        "怎么",
        "如何",
        "请",
        "请问",
        "希望",
        "问题",
        "情况",
        "反映",
        "相关",
        "部门",
        "已经",
        "一直",
        "目前",
        "现在",
        "非常",
        "比较",
        "特别",
        "因为",
        "所以",
        "但是",
        "而且",
        "如果",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "哦",
        "嗯",
        "之",
        "其",
        "于",
        "为",
        "以",
        "等",
    ]
)
_WORD = re.compile(r"^\w+$")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer, built on first use (thread-safe)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(60)  # no "Building prefix dict…" chatter on stderr
                built = jieba.Tokenizer()
                built.initialize()
                for word in DOMAIN_WORDS:
                    built.add_word(word, freq=20000)
                for word in DROPPED_WORDS:
                    built.del_word(word)
                _tokenizer = built
    return _tokenizer


def _keep(token: str) -> bool:
    token = token.strip().lower()
    return bool(token) and token not in STOPWORDS and _WORD.match(token) is not None


def index_tokens(text: str) -> list[str]:
    """Every token of `text` for the index: search mode also emits the short words inside long ones
    (电动车 → 电动, 动车, 电动车), so a query for 充电 finds 充电桩. Lower-cased, no punctuation."""
    return [t.strip().lower() for t in tokenizer().lcut_for_search(text, HMM=False) if _keep(t)]


def query_tokens(text: str) -> list[str]:
    """The distinct tokens of a query, in order: precise mode (a query word must be in the item)."""
    seen: dict[str, None] = {}
    for token in tokenizer().lcut(text, HMM=False):
        if _keep(token):
            seen.setdefault(token.strip().lower(), None)
    return list(seen)


def token_set(text: str) -> set[str]:
    """The distinct index tokens of `text` (for similarity)."""
    return set(index_tokens(text))
