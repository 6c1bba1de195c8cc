"""How long a 5 MB question bank takes to read: Moodle XML (``parse_moodle_xml``) and,
for comparison, GIFT (``parse_gift``), from the shipped course's quizzes repeated until
the file is 5 MB. A third file is Moodle XML whose questions each embed a small PNG (the
images go through the upload checks).

    .venv/bin/python bench/moodle_import.py            # 5 MB, best and median of 5 runs
    .venv/bin/python bench/moodle_import.py --megabytes 10 --runs 3

Reading only: no database. Times vary between runs on shared machines; compare the
formats within one run.
"""

from __future__ import annotations

import argparse
import statistics
import struct
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.questions.gift.reader import parse_gift  # noqa: E402
from app.questions.gift.writer import write_gift  # noqa: E402
from app.questions.moodle_xml.reader import parse_moodle_xml  # noqa: E402
from app.questions.moodle_xml.writer import write_moodle_xml  # noqa: E402
from app.questions.spec import Question, TextFormat  # noqa: E402

PREFIX = "/courses/executive-enablement/assets/"


def _png(seed: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([(seed + x) % 256, x % 256, seed % 256]) * 16
                    for x in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def shipped() -> list[Question]:
    questions: list[Question] = []
    for path in sorted((ROOT / "courses" / "executive-enablement").glob("*/*.gift")):
        questions.extend(parse_gift(path.read_text(encoding="utf-8"))[0])
    return questions


def grow(questions: list[Question], write, target: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The written file of ``questions`` repeated (renamed) until it reaches ``target``."""
    one = len(write(questions).encode())
    copies = max(1, round(target / one))
    many = [replace(q, name=f"{q.name} {n}") for n in range(copies) for q in questions]
    return write(many), len(many)


def with_images(questions: list[Question], target: int) -> tuple[bytes, int]:
    from app.security.images import check_image
    images: dict[str, bytes] = {}
    out: list[Question] = []
    size, n = 0, 0
    while size < target:
        for q in questions:
            data = _png(n)
            name = check_image(data).name
            images[name] = data
            text = f'<p>{q.text}</p><img src="{PREFIX}{name}" alt="figure {n}">'
            out.append(replace(q, name=f"{q.name} {n}", text=text, text_format=TextFormat.html,
                               choices=[replace(c, text_format=TextFormat.html)
                                        for c in q.choices]))
            n += 1
        size = len(write_moodle_xml(out[-len(questions):], images=images,
                                    image_prefix=PREFIX)) * (len(out) // len(questions))
    text = write_moodle_xml(out, images=images, image_prefix=PREFIX)
    return text.encode(), len(out)


def timed(label: str, size: int, count: int, read, runs: int) -> None:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        got = read()
        times.append(time.perf_counter() - started)
    assert got == count, (got, count)
    print(f"{label:<28} {size / 1024 / 1024:5.2f} MB {count:6d} questions   "
          f"best {min(times):6.3f} s   median {statistics.median(times):6.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    target = int(args.megabytes * 1024 * 1024)
    questions = shipped()

    xml, xml_count = grow(questions, write_moodle_xml, target)
    data = xml.encode()
    timed("Moodle XML", len(data), xml_count,
          lambda: len(parse_moodle_xml(data, max_bytes=len(data)).questions), args.runs)

    gift, gift_count = grow(questions, write_gift, target)
    timed("GIFT (for comparison)", len(gift.encode()), gift_count,
          lambda: len(parse_gift(gift)[0]), args.runs)

    images, image_count = with_images(questions, target)
    timed("Moodle XML with images", len(images), image_count,
          lambda: len(parse_moodle_xml(images, image_prefix=PREFIX,
                                       max_bytes=len(images)).questions), args.runs)


if __name__ == "__main__":
    main()
