"""Paper identity: ids, titles, field checks and merging copies."""

from kg.papers import make_paper, merge_papers, paper_id
from kg.text import normalize_title


def test_id_prefers_doi_then_arxiv_then_pmid_then_title():
    assert paper_id(doi="10.1/A", arxiv_id="2401.00001", pmid="1", title="t") == "doi:10.1/a"
    assert paper_id(arxiv_id="2401.00001", pmid="1", title="t") == "arxiv:2401.00001"
    assert paper_id(pmid="1", title="t") == "pmid:1"
    assert paper_id(title="Segment Anything").startswith("title:")


def test_same_title_written_differently_gives_the_same_id():
    assert paper_id(title="SAM-Med2D:  a Study") == paper_id(title="sam med2d - A STUDY!")
    assert normalize_title("U-{N}et") == "u net"


def test_make_paper_normalizes_ids_and_whitespace():
    paper = make_paper(title=" A \n title ", abstract="x  y", doi="https://doi.org/10.1000/AbC.", arxiv_id="http://arxiv.org/abs/2304.12306v2")
    assert (paper.title, paper.abstract) == ("A title", "x y")
    assert (paper.doi, paper.arxiv_id, paper.id) == ("10.1000/abc", "2304.12306", "doi:10.1000/abc")


def test_merge_keeps_every_field_either_copy_had():
    listing = make_paper(title="T", abstract="short", author_count=4, published="--02-11", upvotes=3, sources=("a.txt",))
    bibtex = make_paper(title="T", abstract="a longer abstract", doi="10.1000/x", authors=("A", "B", "C", "D"), published="2024-02-11", sources=("b.bib",))
    merged = merge_papers(listing, bibtex)
    assert merged.id == "doi:10.1000/x"  # the DOI the second copy brought now names the paper
    assert merged.abstract == "a longer abstract"
    assert merged.authors == ("A", "B", "C", "D") and merged.author_count == 4
    assert merged.published == "2024-02-11" and merged.upvotes == 3
    assert merged.sources == ("a.txt", "b.bib")


def test_merge_keeps_an_id_given_in_the_input():
    given = make_paper(title="T", abstract="x", given_id="S001")
    other = make_paper(title="T", abstract="x", doi="10.1000/y")
    assert merge_papers(other, given).id == "S001"


def test_a_spool_reopened_tells_which_papers_new_copies_changed(tmp_path):
    from kg.paper_sets import PaperSpool

    spool = PaperSpool(tmp_path / "index.sqlite")
    for n in (1, 2, 3):
        spool.add(make_paper(title=f"Paper {n}", abstract="Short.", given_id=f"P{n}"))
    spool.add(make_paper(title="Paper four", abstract="Short.", doi="10.1000/four"))
    spool.close()

    again = PaperSpool(tmp_path / "index.sqlite")
    again.track()
    again.add(make_paper(title="Paper 1", abstract="Short.", given_id="P1"))  # the same copy: no change
    again.add(make_paper(title="Paper 2", abstract="A longer abstract.", given_id="P2"))  # the longer abstract wins
    again.add(make_paper(title="Paper 5", abstract="New.", given_id="P5"))
    before, after = again.changes()
    assert sorted(before) == ["P2"] and before["P2"].abstract == "Short."
    assert sorted(after) == ["P2", "P5"] and after["P2"].abstract == "A longer abstract."
    assert len(again) == 5 and [paper.id for paper in again] == ["P1", "P2", "P3", "P5", "doi:10.1000/four"]
