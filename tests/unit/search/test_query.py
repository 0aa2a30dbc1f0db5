"""The query language: parsing never raises, and what it understands."""
from hypothesis import given, strategies as st

from foia.search.query import AnyOf, Phrase, Word, parse

SYNTAX = st.sampled_from(['"', "-", "*", " OR ", " ", "(", ")", ":", "\\", "'", "!", "&", "|", "<->", ":*", "\x00",
                          "AND", "NOT", "rekognition", "body", "cam", "日本語", "é", "🙂", "\ue000"])
QUERIES = st.one_of(st.text(max_size=300), st.lists(SYNTAX, max_size=40).map("".join))


@given(QUERIES)
def test_parse_never_raises_and_always_explains_an_empty_query(text):
    query = parse(text)
    assert query.is_searchable or query.problem
    assert len(query.required) <= 16
    for clause in query.required:
        for item in clause.options if isinstance(clause, AnyOf) else (clause,):
            words = item.words if isinstance(item, Phrase) else (item.text,)
            assert all(word and word.isalnum() for word in words)


def test_words_phrases_or_exclude_prefix():
    query = parse('rekognition "body cam" pilot OR trial -amazon recog*')
    assert query.required == [Word("rekognition"), Phrase(("body", "cam")), AnyOf((Word("pilot"), Word("trial"))),
                              Word("recog", prefix=True)]
    assert query.excluded == [Word("amazon")]
    assert query.describe() == 'rekognition "body cam" pilot OR trial recog* -amazon'


def test_odd_input_is_read_kindly():
    assert parse('"unbalanced phrase').required == [Phrase(("unbalanced", "phrase"))]
    assert parse("body-cam").required == [Phrase(("body", "cam"))]
    assert parse("Rekognition AND pilot").required == [Word("rekognition"), Word("pilot")]
    assert parse("x" * 10_000).problem  # one 10,000-letter word is never indexed
    assert parse("“curly quotes”").required == [Phrase(("curly", "quotes"))]
    assert parse("a OR").required == [Word("a")]


def test_queries_with_nothing_to_find_say_why():
    assert "Type a word" in parse("").problem
    assert "Type a word" in parse('- * "" OR').problem
    assert "vague" in parse("-rekognition").problem
    assert "vague" in parse("re*").problem
