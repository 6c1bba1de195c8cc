""""Before you post": how long checking one 3,000-character draft takes on the server.

Run by hand:  python bench/checker.py [--runs 500] [--phrases 200]

The draft mixes English, German, French, Chinese and Japanese, with links, mentions,
hashtags, an email address and a phone number; the organisation's list holds ``--phrases``
phrases in the same scripts (a few of them in the draft) and 50 customers and partners.
Each run does what a request does after reading the lists from the database: builds the
rules (the phrase and organisation matchers, kept by the lists' content, so an unchanged
list is not built again) and runs every check on a draft seen for the first time. ``cold``
also empties the matchers and Python's pattern cache before each run, as the first check
after a trainer edits a list would be. The target is
under 20 ms per check (median and p99).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import time

from app.checker.checks import ClosedPeriod, Draft, Phrase, Rules, Severity, check
from app.checker.matching import _matcher, fold

WORDS = {
    "en": "our team opened the new depot with electric vans and solar roofs for the city",
    "de": "unser Team eröffnet das neue Depot mit Elektrotransportern und Solardächern",
    "fr": "notre équipe ouvre le nouveau dépôt avec des camionnettes électriques à Lyon",
    "zh": "我们的团队开设了新的仓库配备电动货车和太阳能屋顶",
    "ja": "私たちのチームは電気バンと太陽光パネルを備えた新しい倉庫を開設しました",
}


def phrases(count: int, rng: random.Random) -> tuple[Phrase, ...]:
    made = []
    scripts = list(WORDS)
    for n in range(count):
        script = scripts[n % len(scripts)]
        if script in ("zh", "ja"):
            base = WORDS[script]
            start = rng.randrange(0, len(base) - 4)
            text = f"{base[start:start + 3]}{n}"
        else:
            text = f"Projekt{n} {rng.choice(WORDS[script].split())}"
        made.append(Phrase(text, Severity(("info", "caution", "stop")[n % 3]), "Reason."))
    # a few that the draft contains
    made += [Phrase("Projekt Falke", Severity.STOP, "Code name."),
             Phrase("confidentiel", Severity.CAUTION), Phrase("机密", Severity.STOP)]
    return tuple(made)


def draft_text(rng: random.Random, size: int = 3_000) -> str:
    extras = ["Projekt Falke", "confidentiel", "机密", "https://example.com/report",
              "bit.ly/abc", "@ana", "#SupplyChain", "#netzerologistics",
              "ana@example.com", "+49 30 1234 5678", "we expect", "Umsatz +12 %",
              "THIS IS BIG", "Contoso"]
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < size:
        script = rng.choice(list(WORDS))
        words = WORDS[script].split() if script not in ("zh", "ja") else [WORDS[script]]
        parts.append(" ".join(rng.sample(words, min(6, len(words)))) + ".")
        if rng.random() < 0.3:
            parts.append(rng.choice(extras))
    return " ".join(parts)[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--phrases", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(2026)
    listed = phrases(args.phrases, rng)
    organisations = (*(f"Partner {n} GmbH" for n in range(49)), "Contoso")
    periods = (ClosedPeriod("Q4 results", dt.date(2027, 1, 10), dt.date(2027, 1, 31)),)
    text = draft_text(rng)
    draft = Draft(text, networks=("linkedin", "x"), day=dt.date(2027, 1, 20), has_image=True,
                  ai_assisted=True)
    findings = check(draft, Rules(listed, organisations, periods))
    print(f"draft: {len(text):,} characters; {len(listed)} phrases, {len(organisations)} "
          f"organisations; {len(findings)} findings")
    for mode in ("warm", "cold"):
        timings = []
        for _ in range(args.runs):
            fold.cache_clear()  # each keystroke is a new draft
            if mode == "cold":  # the first check after a list changed
                re.purge()
                _matcher.cache_clear()
            start = time.perf_counter()
            check(draft, Rules(listed, organisations, periods))
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        print(f"{mode}: median {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms, "
              f"max {timings[-1]:.2f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
