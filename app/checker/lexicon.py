"""The checker's built-in word lists and the lessons its findings point to. Organisation
lists (phrases, customers and partners) are kept by trainers in the database instead.

Lists are written in the languages Podium's executives post in (English, German, French,
Chinese, Japanese); matching is case-insensitive, so they are written in lower case."""

from __future__ import annotations

from dataclasses import dataclass

COURSE = "executive-enablement"


@dataclass(frozen=True)
class LessonRef:
    """A lesson of the course, and optionally a word of the section heading to open at
    (resolved against the lesson's outline when the link is shown)."""

    slug: str
    section: str = ""


DISCLOSURE = LessonRef("disclosure-and-market-rules", "forward-looking")
CLOSED_PERIOD = LessonRef("disclosure-and-market-rules", "quiet period")
RESULTS = LessonRef("disclosure-and-market-rules", "disclosure")
PARTNERSHIP = LessonRef("disclosure-and-market-rules", "disclos")
PRIVACY = LessonRef("privacy-in-social-selling")
ACCESSIBILITY = LessonRef("accessible-posts")
ALT_TEXT = LessonRef("accessible-posts", "image")
HASHTAGS = LessonRef("posts-mentions-hashtags", "hashtag")
MENTIONS = LessonRef("posts-mentions-hashtags", "mention")
LINKS = LessonRef("posts-mentions-hashtags", "length")
SHORT_LINKS = LessonRef("account-security", "link")
AI = LessonRef("ai-and-authenticity")

# Every lesson a finding may link to (a trainer's phrase may name any lesson of the course).
LESSONS = (
    "disclosure-and-market-rules", "ai-and-authenticity", "accessible-posts",
    "privacy-in-social-selling", "when-a-post-goes-wrong", "account-security",
    "employee-advocacy", "posts-mentions-hashtags",
)

FORWARD_LOOKING = (
    # English
    "we expect", "we anticipate", "we forecast", "we project", "we are on track to",
    "guidance", "our outlook", "record quarter", "record year", "next quarter",
    "ahead of expectations", "beat expectations", "full-year target",
    # German
    "wir erwarten", "wir rechnen mit", "prognose", "ausblick", "rekordquartal",
    "rekordjahr", "nächstes quartal", "nächsten quartal", "kommenden quartal",
    # French
    "nous prévoyons", "nous anticipons", "nous attendons", "nous tablons sur",
    "perspectives", "prévisions", "trimestre record", "année record", "prochain trimestre",
    # Chinese
    "预计", "预期", "业绩指引", "下季度", "下个季度", "创纪录",
    # Japanese
    "見通し", "業績予想", "来期", "次の四半期", "過去最高",
)

MONEY_WORDS = (
    "revenue", "revenues", "sales", "turnover", "margin", "margins", "ebitda", "ebit",
    "profit", "profits", "earnings", "eps", "bookings", "arr", "operating income",
    "umsatz", "umsätze", "marge", "margen", "gewinn", "ergebnis",
    "chiffre d'affaires", "bénéfice", "bénéfices", "résultat",
    "营收", "收入", "利润", "毛利率", "销售额", "売上", "利益", "営業利益",
)

# Words that say a named organisation is a customer, a partner or a sponsor.
RELATIONSHIP_WORDS = (
    "partner", "partners", "partnership", "partnering", "client", "clients", "customer",
    "customers", "#ad", "ad", "advert", "sponsored", "sponsor", "paid", "paid partnership",
    "partnerschaft", "kunde", "kunden", "anzeige", "werbung", "gesponsert", "bezahlt",
    "partenaire", "partenaires", "partenariat", "sponsorisé", "publicité",
    "collaboration commerciale", "rémunéré",
    "合作", "合作伙伴", "客户", "广告", "赞助", "提携", "パートナー", "顧客", "広告", "pr",
)

SHORTENERS = frozenset({
    "bit.ly", "t.co", "tinyurl.com", "ow.ly", "buff.ly", "goo.gl", "is.gd", "lnkd.in",
    "rebrand.ly", "shorturl.at", "cutt.ly", "tiny.cc", "t.ly", "rb.gy", "s.id", "v.gd",
    "bl.ink", "dlvr.it", "trib.al", "fb.me", "youtu.be", "amzn.to", "spr.ly",
})

# At most this many hashtags a post, as the course recommends, per network.
HASHTAG_LIMITS = {"linkedin": ("LinkedIn", 3), "x": ("X", 2)}
MANY_MENTIONS = 5
