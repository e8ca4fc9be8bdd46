"""How the PDF's marks the structure tree does not hold become artifacts (pdf.py): edited in
place where the content is as WeasyPrint writes it, parsed by pikepdf where text could only
look like a mark. The real PDFs' tagging is checked in test_pdf and the gate."""

from __future__ import annotations

import pikepdf
import pytest

from strategy_site import pdf


def test_marks_the_tree_does_not_hold_become_artifacts_in_place() -> None:
    """WeasyPrint's content is edited where its marks are, the rest byte for byte."""
    contents = (b"q\n/Span\n<</MCID 0>>\nBDC\nBT\n[<0026>0] TJ\nET\nEMC\n"
                b"/Span\n<</MCID 1>>\nBDC\nBT\n[<0027>0] TJ\nET\nEMC\nQ\n")
    found = pdf.as_artifacts(contents, known={1})
    assert found is not None
    text, unclaimed = found
    assert unclaimed == {0}
    assert text == contents.replace(b"/Span\n<</MCID 0>>\nBDC", pdf.ARTIFACT)


@pytest.mark.parametrize("contents", [
    b"BT\n(/Span <</MCID 0>> BDC) Tj\nET\n",
    b"% /Span <</MCID 0>> BDC\n",
    b"BI /W 1 /H 1 /CS /G /BPC 8 ID /Span <</MCID 0>> BDC EI\n",
])
def test_content_where_text_could_look_like_a_mark_is_parsed_instead(contents: bytes) -> None:
    """A string, a comment or an inline image could hold the very bytes of a mark: such
    content is left to pikepdf's parse (as_artifacts gives None)."""
    assert pdf.as_artifacts(contents, known=set()) is None


def test_a_mark_beside_a_string_is_found_by_the_parse() -> None:
    """The parse sees a string for what it is: only the real mark becomes an artifact."""
    with pikepdf.new() as document:
        document.add_blank_page()
        page = document.pages[0]
        page.Contents = document.make_stream(
            b"/Span <</MCID 0>> BDC BT /F1 12 Tf (/P <</MCID 5>> BDC) Tj ET EMC")
        text, unclaimed = pdf._as_artifacts_parsed(page, known=set())
    assert unclaimed == {0}
    assert text.count(b"/Artifact") == 1 and b"(/P <</MCID 5>> BDC)" in text
