"""Each input format read from a small fixture of its own."""

import pytest

from kg.ingest import ingest, read, sniff_format
from kg.records import BadInput, Paper, Skipped


def papers_of(path, **options):
    return [r for r in read(path, **options) if isinstance(r, Paper)]


@pytest.mark.parametrize(
    "name, format",
    [("listing.txt", "listing"), ("papers.jsonl", "jsonl"), ("papers.csv", "csv"), ("arxiv.xml", "arxiv"),
     ("pubmed.xml", "pubmed"), ("refs.bib", "bibtex"), ("openalex.json", "openalex")],
)
def test_format_is_sniffed_from_content(fixtures, tmp_path, name, format):
    renamed = tmp_path / "no_extension"  # the content decides, not the name
    renamed.write_bytes((fixtures / "ingest" / name).read_bytes())
    assert sniff_format(renamed) == format


def test_listing_reads_titles_abstracts_and_metadata(fixtures):
    papers = papers_of(fixtures / "ingest" / "listing.txt")
    assert [p.title for p in papers][:2] == [
        "LungNet-7: Screening Chest Radiographs with a Tiny Network",
        "Prostate MRI Segmentation without Labels",
    ]
    first, second, third = papers[:3]
    assert (first.author_count, first.published, first.upvotes) == (4, "2024-02-11", 7)
    assert (second.author_count, second.published, second.upvotes) == (2, "--06-25", None)
    assert third.author_count is None and third.published is None


def test_listing_title_right_after_an_abstract_starts_a_new_paper(fixtures):
    papers = {p.title: p for p in papers_of(fixtures / "ingest" / "listing.txt")}
    retinal = papers["Retinal Fundus Grading in the Wild"]
    assert retinal.abstract.endswith("sensitivity and specificity of 88/81%.")
    stain = papers["Histopathology Foundation Models Need Stain Augmentation"]
    assert stain.abstract.startswith("Whole slide images vary")


def test_listing_duplicate_entries_merge_into_one_paper(fixtures):
    papers, report = ingest([fixtures / "ingest" / "listing.txt"])
    assert (report.entries, report.merged, len(papers)) == (5, 1, 4)
    lung = next(p for p in papers if p.title.startswith("LungNet-7"))
    assert lung.upvotes == 12  # the higher count of the two copies


def test_jsonl_keeps_given_ids_and_optional_columns(fixtures):
    papers = papers_of(fixtures / "ingest" / "papers.jsonl")
    assert [p.id for p in papers[:2]] == ["P1", "P2"]
    assert papers[0].doi == "10.1000/brain.1" and papers[0].authors == ("A. Author", "B. Author")
    assert papers[1].arxiv_id == "2301.01234"
    assert papers[2].id.startswith("title:") and papers[2].author_count == 3


def test_csv_reads_quoted_multiline_fields(fixtures):
    papers = papers_of(fixtures / "ingest" / "papers.csv")
    assert [p.id for p in papers] == ["C1", "C2"]
    assert papers[1].title == "Report Generation for Chest X-rays, Revisited"
    assert "we generate radiology reports" in papers[1].abstract
    assert papers[0].authors == ("F. One", "G. Two") and papers[1].doi == "10.1000/cxr.2"


def test_arxiv_atom_feed(fixtures):
    medsam, sam_med2d = papers_of(fixtures / "ingest" / "arxiv.xml")
    assert medsam.title == "Segment Anything in Medical Images"
    assert medsam.arxiv_id == "2304.12306" and medsam.id == "doi:10.1038/s41467-024-44824-z"
    assert medsam.authors == ("Jun Ma", "Bo Wang") and medsam.published == "2023-04-24"
    assert sam_med2d.id == "arxiv:2308.16184"


def test_pubmed_joins_labelled_sections_in_order(fixtures):
    structured, plain = papers_of(fixtures / "ingest" / "pubmed.xml")
    assert structured.abstract == (
        "BACKGROUND: Pneumothorax is missed on radiographs. "
        "METHODS: We trained a DenseNet-121 on 104 images. RESULTS: The AUC was 0.94."
    )
    assert structured.title == "Deep learning for pneumothorax detection on chest radiographs"
    assert (structured.pmid, structured.doi, structured.published) == ("31234567", "10.1000/ptx.3", "2019-10-02")
    assert structured.authors == ("Ana Rivera", "Thoracic Imaging Group")
    assert plain.id == "pmid:30000001" and plain.published == "2018"


def test_bibtex_entries_with_abstracts(fixtures):
    records = list(read(fixtures / "ingest" / "refs.bib"))
    unet, nnunet, sam = [r for r in records if isinstance(r, Paper)]
    assert unet.title == "U-Net: Convolutional Networks for Biomedical Image Segmentation"
    assert unet.published == "2015-10" and unet.author_count == 3
    assert nnunet.authors[1] == "Jäger, Paul F." and "preprocessing & network" in nnunet.abstract
    assert sam.arxiv_id == "2304.02643"
    assert [r.reason for r in records if isinstance(r, Skipped)] == ["entry has no abstract"]


def test_openalex_rebuilds_the_inverted_abstract(fixtures):
    records = list(read(fixtures / "ingest" / "openalex.json"))
    work = records[0]
    assert work.abstract == "The chest X-ray is common. A chest X-ray database."
    assert (work.doi, work.pmid, work.published) == ("10.1109/cvpr.2017.369", "99999999", "2017-07-01")
    assert work.authors == ("Xiaosong Wang", "Yifan Peng")
    assert isinstance(records[1], Skipped) and records[1].reason == "work has no abstract"


def test_explicit_format_overrides_sniffing(fixtures):
    with pytest.raises(BadInput, match=r"papers.jsonl, line 1: CSV header has no 'title' column"):
        list(read(fixtures / "ingest" / "papers.jsonl", format="csv"))


def test_same_paper_from_two_formats_merges(fixtures, tmp_path):
    bib = tmp_path / "medsam.bib"
    bib.write_text(
        "@article{ma2024, title={Segment anything in medical images}, doi={10.1038/S41467-024-44824-Z},"
        " author={Ma, Jun}, journal={Nature Communications}, year={2024},"
        " abstract={MedSAM, the longer abstract of the journal version, fine-tuned from SAM.}}\n"
    )
    papers, report = ingest([fixtures / "ingest" / "arxiv.xml", bib])
    assert report.merged == 1 and len(papers) == 2
    medsam = papers[0]
    assert medsam.arxiv_id == "2304.12306" and medsam.doi == "10.1038/s41467-024-44824-z"
    assert len(medsam.sources) == 2


def test_an_extraction_record_with_results_is_one_paper(tmp_path):
    source = tmp_path / "gold.jsonl"
    source.write_text('{"id": "S1", "title": "T", "abstract": "A.", "entities": {}, "results": [{"metric": "AUC"}]}\n')
    assert [p.id for p in papers_of(source)] == ["S1"]
