"""The hygiene report finds every hidden channel of a real Word draft, with where it was."""

from redaction.word import channel_counts, hidden_items, open_package
from tests.redaction.word.drafts import HIDDEN, word_draft


def test_every_hidden_channel_of_a_word_draft_is_reported_with_its_text() -> None:
    items = hidden_items(open_package(word_draft()))
    for channel, name in HIDDEN.items():
        texts = " ".join(" ".join(i.text.split()) for i in items if i.channel == channel)
        assert name in texts, f"{channel} not reported"


def test_a_finding_says_where_it_was_without_needing_the_text() -> None:
    items = hidden_items(open_package(word_draft()))
    deletion = next(i for i in items if i.channel == "tracked deletion")
    comment = next(i for i in items if i.channel == "comment")
    assert deletion.where == "word/document.xml, deletion 1"  # who made it is an item of its own, not a place
    assert comment.where == "word/comments.xml, comment 1"
    author = next(i for i in items if i.channel == "change author")
    assert author.text == "Editor" and author.where == "word/document.xml, deletion 1"


def test_the_summary_counts_channels_and_holds_no_text() -> None:
    counts = channel_counts(hidden_items(open_package(word_draft())))
    assert counts["tracked deletion"] == 1 and counts["comment"] == 1
    assert all(isinstance(n, int) for n in counts.values())
    assert not any(name in str(counts) for name in HIDDEN.values())


def test_a_plain_document_has_no_tracked_changes_comments_or_hidden_text() -> None:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("The review considers the care of Child K.")
    buffer = io.BytesIO()
    document.save(buffer)
    channels = {i.channel for i in hidden_items(open_package(buffer.getvalue()))}
    assert not channels & {"tracked deletion", "tracked insertion", "comment", "hidden text", "text box"}


def test_text_hidden_through_its_character_style_is_reported_and_never_printed() -> None:
    import io

    import docx
    from docx.enum.style import WD_STYLE_TYPE

    from redaction.word import printable_docx

    document = docx.Document()
    style = document.styles.add_style("Aside", WD_STYLE_TYPE.CHARACTER)
    style.font.hidden = True
    paragraph = document.add_paragraph("Visible words. ")
    paragraph.add_run("Note about Quillon Sark.", style="Aside")
    buffer = io.BytesIO()
    document.save(buffer)
    package = open_package(buffer.getvalue())
    hidden = [i for i in hidden_items(package) if i.channel == "hidden text"]
    assert any("Quillon Sark" in i.text for i in hidden)
    printed = open_package(printable_docx(package)).read("word/document.xml")
    assert b"Quillon" not in printed and b"Visible words." in printed
