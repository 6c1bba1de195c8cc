"""Each text of a question shown by its own format, on the attempt and review pages:
HTML sanitised as lessons are, Markdown rendered as lessons are, plain text escaped with
its line breaks, Moodle's auto-format as Moodle's format_text() does it (HTML kept and
sanitised, line breaks as <br>); and numerical catch-all answers graded."""

from __future__ import annotations

from sqlmodel import select

from app.courses.spec import QuizReveal, QuizSettings
from app.models import QuizQuestion
from app.questions.gift.reader import parse_gift
from app.questions.spec import Choice, MatchPair, NumericalAnswer, QType, Question, TextFormat
from app.quizzes.grading import grade
from app.quizzes.render import answer_html, describe_response, text_html
from tests.conftest import csrf_from
from tests.quizzes.conftest import QUIZ

HTML, PLAIN, MARKDOWN, MOODLE = (
    TextFormat.html, TextFormat.plain, TextFormat.markdown, TextFormat.moodle
)


# --------------------------------------------------------------------------- text_html


def test_html_is_sanitised_as_lessons_are() -> None:
    html = str(text_html('<p onclick="x()">Hi <script>alert(1)</script><em>there</em></p>', HTML))
    assert "<script" not in html and "onclick" not in html and "alert(1)" not in html
    assert "<em>there</em>" in html


def test_plain_text_is_shown_literally_with_its_line_breaks() -> None:
    html = str(text_html("<b>bold?</b>\nnext  line", PLAIN))
    assert html == "&lt;b&gt;bold?&lt;/b&gt;<br>\nnext&nbsp; line"


def test_markdown_is_rendered_as_lessons_are() -> None:
    html = str(text_html("Some *emphasis*\n\n<script>alert(1)</script>", MARKDOWN))
    assert "<em>emphasis</em>" in html and "<script" not in html


def test_moodle_auto_format_keeps_html_and_breaks_lines() -> None:
    # Moodle's text_to_html(): blanks between tags go, a line break next to a tag becomes a
    # space, other line breaks become <br>; then the HTML is cleaned.
    html = str(text_html("line one\nline two\n<em>x</em>  <em>y</em>\n3 < 4", MOODLE))
    assert html == "line one<br>\nline two <em>x</em><em>y</em> 3 &lt; 4"
    assert "<script" not in str(text_html("a<script>alert(1)</script>", MOODLE))


def test_a_one_paragraph_markdown_answer_is_not_a_paragraph_in_its_label() -> None:
    assert str(answer_html("*yes*", MARKDOWN)) == "<em>yes</em>"
    assert str(answer_html("one\n\ntwo", MARKDOWN)).count("<p>") == 2


def test_your_answer_shows_the_words_of_a_formatted_answer() -> None:
    question = Question(
        type=QType.single,
        text="Q",
        choices=[Choice("<b>Bold</b> &amp; more", 1.0, text_format=HTML), Choice("b", 0.0)],
    )
    assert describe_response(question, ["0"]) == "Bold & more"


# --------------------------------------------------------------------------- catch-all


def test_a_catch_all_numerical_answer_gets_any_number_the_answers_before_it_miss() -> None:
    (question,), _ = parse_gift("Q?{#=3:1#Right. =%50%10#Close. ~#[html]<b>No.</b>}")
    assert grade(question, 3.5).fraction == 1.0
    assert grade(question, 10).feedback == ["Close."]
    result = grade(question, 42)
    assert result.fraction == 0.0
    assert result.formatted_feedback == [("<b>No.</b>", HTML)]
    assert result.correct_answer == "3 ± 1"


def test_a_catch_all_in_the_middle_only_takes_what_the_answers_before_it_miss() -> None:
    question = Question(
        type=QType.numerical,
        text="Q",
        numerical=[
            NumericalAnswer(1, 0, 1.0, "one"),
            NumericalAnswer(0, 0, 0.5, "any", catch_all=True),
            NumericalAnswer(2, 0, 1.0, "two"),
        ],
    )
    assert grade(question, 1).feedback == ["one"]
    assert grade(question, 2).feedback == ["any"]  # Moodle: the first match wins
    assert grade(question, 7).fraction == 0.5


# --------------------------------------------------------------------------- the pages


def formatted_questions() -> list[Question]:
    return [
        Question(
            type=QType.single,
            text="Pick <strong>one</strong>",
            text_format=HTML,
            general_feedback="The *general* feedback",
            general_feedback_format=MARKDOWN,
            choices=[
                Choice(
                    "<strong>Bold</strong> answer<script>alert('answer')</script>",
                    1.0,
                    "Right\n<em>and</em> <script>alert('feedback')</script>safe",
                    text_format=HTML,
                    feedback_format=MOODLE,
                ),
                Choice("<b>literal</b>", 0.0, "<i>shown as typed</i>", text_format=PLAIN,
                       feedback_format=PLAIN),
            ],
        ),
        Question(
            type=QType.matching,
            text="Match",
            pairs=[
                MatchPair("**strong** one", "1", MARKDOWN),
                MatchPair("<u>two</u>", "2", PLAIN),
                MatchPair("", "3"),
            ],
        ),
        Question(
            type=QType.numerical,
            text="How many?",
            numerical=[
                NumericalAnswer(5, 0, 1.0, "Five."),
                NumericalAnswer(0, 0, 0.0, "Any <em>other</em> number.", PLAIN, catch_all=True),
            ],
        ),
    ]


def _qids(database, lesson) -> dict[str, int]:
    with database.session() as s:
        rows = s.exec(select(QuizQuestion).where(QuizQuestion.lesson_id == lesson.id)).all()
    return {row.qtype: row.id for row in rows}


def test_each_text_is_shown_by_its_own_format(client, quiz_taker, database) -> None:
    _, lesson, _ = quiz_taker(
        questions=formatted_questions(),
        settings=QuizSettings(shuffle=False, reveal=QuizReveal.after_submit),
    )
    token = csrf_from(client, QUIZ)
    url = client.post(QUIZ + "/attempts", data={"csrf_token": token}).headers["location"]
    page = client.get(url).text
    assert "Pick <strong>one</strong>" in page
    assert "<strong>Bold</strong> answer" in page and "alert('answer')" not in page
    assert "&lt;b&gt;literal&lt;/b&gt;" in page and "<b>literal</b>" not in page
    assert "<strong>strong</strong> one" in page
    assert "&lt;u&gt;two&lt;/u&gt;" in page
    q = _qids(database, lesson)
    token = csrf_from(client, url)
    submitted = client.post(url + "/submit", data={
        "csrf_token": token, f"q{q['single']}": "0", f"q{q['matching']}_0": "0",
        f"q{q['matching']}_1": "1", f"q{q['numerical']}": "12",
    })
    assert submitted.status_code == 303
    review = client.get(url).text
    # Moodle auto-format: a line break before a tag is a space; the script is cleaned away
    assert "Right <em>and</em>safe" in review
    assert "alert('feedback')" not in review
    assert "The <em>general</em> feedback" in review  # Markdown
    assert "Any &lt;em&gt;other&lt;/em&gt; number." in review  # plain, the catch-all's
    assert "Your answer:</strong> Bold answer" in review
