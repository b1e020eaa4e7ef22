"""Texts into tokens for matching: Chinese segmented with jieba, English stemmed with Snowball.

Normalisation first: full-width forms folded (NFKC), lower case, and traditional characters (Hong
Kong, Macao) converted to simplified ones with OpenCC, so that 數據庫 and 数据库 are the same tokens.
Characters only: OpenCC's Taiwan phrase tables would also rewrite words both sides use (查詢 →
查找, and 程序 → 进程 in simplified text); where Hong Kong words differ (程式, 物件导向), the skill
vocabulary lists them as alternative labels.

Chinese runs are cut in jieba's search mode, which gives both a word and its dictionary sub-words
(数据分析 → 数据, 分析, 数据分析), so a label matches a text that words it the other way round
(分析数据). A label keeps only its finest pieces for the same reason.

No Django here: the pure core's tests tokenise with this module too.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
import warnings

from creditbank.core.matching import Token

SENTENCE_GAP = 20  # positions between sentences: no mention spans a sentence break
_RUN = re.compile(
    r"(?P<cjk>[\u3400-\u9fff\uf900-\ufaff]+)|(?P<word>[a-z0-9]+(?:[.+#][a-z0-9]+)*[+#]*)|(?P<stop>[.;!?。；！？\n])"
)
# English words that carry no skill on their own (they still separate words: "testing of software").
_EN_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "as",
        "by",
        "at",
        "from",
        "into",
        "onto",
        "via",
        "be",
        "is",
        "are",
        "was",
        "were",
        "being",
        "been",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "their",
        "our",
        "your",
        "you",
        "we",
        "they",
        "he",
        "she",
        "i",
        "will",
        "can",
        "may",
        "must",
        "should",
        "would",
        "such",
        "other",
        "etc",
        "e.g",
        "i.e",
        "per",
        "using",
        "use",
    ]
)
_ZH_STOP = frozenset(
    [
        "的",
        "地",
        "得",
        "和",
        "与",
        "及",
        "并",
        "或",
        "等",
        "了",
        "在",
        "对",
        "把",
        "被",
        "以及",
        "并且",
        "或者",
        "及其",
    ]
)
_lock = threading.Lock()


@functools.cache
def _jieba():  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():  # jieba 0.42's regexes use escapes Python 3.12 warns about
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()  # reads jieba's dictionary once per process
    return tokenizer


@functools.cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@functools.cache
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """The text as matching reads it: NFKC, lower case, simplified mainland usage."""
    return str(_converter().convert(unicodedata.normalize("NFKC", text).lower()))


def tokens(text: str) -> list[Token]:
    """The tokens of a normalised text (``normalise`` first), with ordinal and character spans."""
    out: list[Token] = []
    ordinal = 0
    stem = _stemmer().stemWord
    for run in _RUN.finditer(text):
        if run.lastgroup == "cjk":
            base, start = ordinal, run.start()
            with _lock:  # jieba's tokenizer keeps state while it cuts
                pieces = list(_jieba().tokenize(run.group(), mode="search", HMM=False))
            for word, a, b in pieces:
                if word not in _ZH_STOP:
                    out.append(Token(word, base + a, base + b, start + a, start + b))
            ordinal += len(run.group())
        elif run.lastgroup == "word":
            word = run.group()
            if word not in _EN_STOP:
                out.append(Token(stem(word), ordinal, ordinal + 1, run.start(), run.end()))
                ordinal += 1
        else:
            ordinal += SENTENCE_GAP
    return out


def label_tokens(label: str) -> list[Token]:
    """A skill label's tokens: a text's tokens, keeping only the finest pieces of each Chinese word
    (a word whose sub-words cover it is replaced by them), so either wording of a text contains them."""
    found = tokens(normalise(label))
    finest = []
    for token in found:
        inside = [t for t in found if t is not token and token.pos <= t.pos and t.end <= token.end]
        covered = set().union(*(range(t.pos, t.end) for t in inside)) if inside else set()
        if not inside or not covered >= set(range(token.pos, token.end)):
            finest.append(token)
    return finest


def text_tokens(text: str) -> tuple[str, list[Token]]:
    """A text tokenised, with the text its tokens' character spans point into (what
    ``core.matching.skills_in`` takes): the original where normalising kept every character in its
    place (nearly always: case, width and simplified forms are one for one), so that evidence is
    quoted as the author wrote it; else the normalised text."""
    normal = normalise(text)
    return (text if len(text) == len(normal) else normal), tokens(normal)


def words(text: str) -> list[str]:
    """The keyword baseline's tokens: the same normalisation and segmentation, no skill concepts."""
    return [t.form for t in tokens(normalise(text))]
