"""Damaged XML, OpenAlex and BibTeX files: a damaged record is one bad record, named by its
line (or its number, in a one-line JSON document), and every other record is still read."""

import json
import time

import pytest

from conftest import read_jsonl
from kg import config
from kg.ingest import read
from kg.records import BadInput, Paper

GOOD_LINE = json.dumps({"id": "G1", "title": "Good paper", "abstract": "A chest X-ray classifier."}) + "\n"


def titles(records):
    return [r.title for r in records if isinstance(r, Paper)]


def bad(records):
    return [str(r) for r in records if isinstance(r, BadInput)]


def ingest_skipping_bad(run_kg, tmp_path, name, content):
    """Run `kg ingest --skip-bad` on a folder of one good JSONL paper and `name`; returns the
    titles written and the run's stderr."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.jsonl").write_text(GOOD_LINE)
    (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run_kg("ingest", folder, "-o", tmp_path / "out.jsonl", "--skip-bad")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.output
    return sorted(paper["title"] for paper in read_jsonl(tmp_path / "out.jsonl")), result.stderr


# --- OpenAlex -------------------------------------------------------------------------------

def work(n, **fields):
    return {"id": f"https://openalex.org/W{n}", "title": f"Work {n}",
            "abstract_inverted_index": {"Abstract": [0], f"{n}.": [1]}, **fields}


def works_file(works, indent=1):
    """An API page holding `works` (JSON text, or objects to dump)."""
    texts = [w if isinstance(w, str) else json.dumps(w, ensure_ascii=False) for w in works]
    if indent is None:
        return '{"meta": {"count": %d}, "results": [%s]}' % (len(texts), ", ".join(texts))
    return '{"meta": {"count": %d},\n "results": [\n%s\n]}\n' % (len(texts), ",\n".join(texts))


def test_openalex_nesting_100000_deep_is_one_bad_record(tmp_path, run_kg):
    deep = "[" * 100_000 + "]" * 100_000
    result = run_kg("ingest", _write(tmp_path / "deep.json", deep), "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert result.stderr == f"kg: error: {tmp_path / 'deep.json'}, record 1: invalid JSON: nested too deeply at column 2\n"

    kept, stderr = ingest_skipping_bad(run_kg, tmp_path, "deep.json", deep)
    assert kept == ["Good paper"] and "bad 1" in stderr


def test_openalex_deeply_nested_work_costs_only_itself(tmp_path, run_kg):
    nested = '{"title": "Nested", "x": %s}' % ('[{"a": ' * 50_000 + "1" + "}]" * 50_000)
    kept, stderr = ingest_skipping_bad(run_kg, tmp_path, "page.json", works_file([work(1), nested, work(3)]))
    assert kept == ["Good paper", "Work 1", "Work 3"]
    assert "page.json, line 4: invalid JSON: nested too deeply" in stderr


def test_openalex_lone_surrogate_escape_is_a_bad_record(tmp_path, run_kg):
    page = works_file([work(1), work(2), work(3)])
    page = page.replace('"Work 2"', '"Broken \\ud800 title"').replace('"3.": [1]', '"3\\udfff": [1]')
    kept, stderr = ingest_skipping_bad(run_kg, tmp_path, "page.json", page)
    assert kept == ["Good paper", "Work 1"]
    assert "page.json, line 4: field 'title' holds a lone surrogate" in stderr
    assert "page.json, line 5: field 'abstract' holds a lone surrogate" in stderr


def test_openalex_absurd_inverted_index_is_bad_without_being_built(tmp_path):
    huge_count = {"a": list(range(60_000))}  # "a a a ...": 120,000 characters
    path = _write(tmp_path / "page.json", works_file([
        work(1), work(2, abstract_inverted_index={"far": [0, 10**12]}),
        work(3, abstract_inverted_index=huge_count), work(4, abstract_inverted_index={"half": [1.5]}), work(5),
    ]))
    records = list(read(path))
    assert titles(records) == ["Work 1", "Work 5"]
    assert bad(records) == [
        f"{path}, line 4: abstract_inverted_index: 'far' has position 1000000000000, not a word number",
        f"{path}, line 5: field 'abstract' is longer than 100000 characters",
        f"{path}, line 6: abstract_inverted_index: 'half' has position 1.5, not a word number",
    ]
    assert config.MAX_ABSTRACT_CHARS == 100_000


def test_openalex_byte_that_is_not_utf8_costs_only_its_work(tmp_path, run_kg):
    page = works_file([work(1), work(2, title="Caf\u00e9"), work(3)]).encode("latin-1")
    kept, stderr = ingest_skipping_bad(run_kg, tmp_path, "page.json", page)
    assert kept == ["Good paper", "Work 1", "Work 3"]
    assert "page.json, line 4: not valid UTF-8 (byte 0xe9)" in stderr


@pytest.mark.parametrize("indent, place", [(1, "line 4"), (None, "record 2")])
@pytest.mark.parametrize("damage", [
    ('"title": "Work 2"', '"title": "Work 2'),  # a quote lost
    ('"2.": [1]}}', '"2.": [1]}'),  # a closing brace lost: found only at the next work
    ('"id": "https://openalex.org/W2"', '"id": "https://openalex.org/W2" "x"'),
])
def test_openalex_damaged_work_costs_only_itself(tmp_path, indent, place, damage):
    page = works_file([work(1), work(2), work(3), work(4)], indent=indent)
    path = _write(tmp_path / "page.json", page.replace(*damage))
    records = list(read(path))
    assert titles(records) == ["Work 1", "Work 3", "Work 4"]
    assert len(bad(records)) == 1 and bad(records)[0].startswith(f"{path}, {place}: invalid JSON")


def test_openalex_list_with_damage_before_the_results_keeps_the_works(tmp_path):
    page = works_file([work(1), work(2)]).replace('"count": 2', '"count": 2x')
    records = list(read(_write(tmp_path / "page.json", page)))
    assert titles(records) == ["Work 1", "Work 2"] and len(bad(records)) == 1


def test_openalex_fields_of_the_wrong_shape_are_bad_records(tmp_path):
    path = _write(tmp_path / "page.json", works_file([
        work(1), work(2, ids=["pmid"]), work(3, authorships="A. Author"),
        work(4, authorships=["A. Author"]), work(5, primary_location=[]), work(6),
    ]))
    records = list(read(path))
    assert titles(records) == ["Work 1", "Work 6"]
    assert [message.split(": ", 1)[1] for message in bad(records)] == [
        "field 'ids' must be an object, not list",
        "field 'authorships' must be a list, not str",
        "field 'authorships' must hold objects, not str",
        "field 'primary_location' must be an object, not list",
    ]


# --- XML: arXiv Atom and PubMed ----------------------------------------------------------------

def atom_feed(n_entries=4):
    entries = "".join(
        f"  <entry>\n    <id>http://arxiv.org/abs/2401.0000{n}v1</id>\n    <title>Atom paper {n}</title>\n"
        f"    <summary>Abstract {n}.</summary>\n  </entry>\n"
        for n in range(1, n_entries + 1)
    )
    return f'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <title>query</title>\n{entries}</feed>\n'


def pubmed_set(n_articles=4):
    articles = "".join(
        f"<PubmedArticle>\n  <MedlineCitation><PMID>3000000{n}</PMID><Article>\n"
        f"    <ArticleTitle>Atom paper {n}</ArticleTitle>\n    <Abstract><AbstractText>Abstract {n}.</AbstractText></Abstract>\n"
        f"  </Article></MedlineCitation>\n</PubmedArticle>\n"
        for n in range(1, n_articles + 1)
    )
    return f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>\n{articles}</PubmedArticleSet>\n'


XML = {"arxiv": (atom_feed, 9), "pubmed": (pubmed_set, 10)}  # maker, first line of the second record


@pytest.mark.parametrize("format", XML)
@pytest.mark.parametrize("damage", [
    ("Atom paper 2<", "Atom paper 2 <b>"),  # a tag left open
    ("Abstract 2.", "Abstract 2 & 3."),  # a bare ampersand
    ("Abstract 2.", "Abstract <!-- 2."),  # a comment never closed
    ("Atom paper 2<", 'Atom paper 2 <a href="x>y<'),  # a quote never closed
])
def test_xml_damaged_record_costs_only_itself(tmp_path, run_kg, format, damage):
    make, line = XML[format]
    text = make().replace(*damage, 1)
    records = list(read(_write(tmp_path / "feed.xml", text), format))
    assert titles(records) == ["Atom paper 1", "Atom paper 3", "Atom paper 4"]
    [message] = bad(records)  # at the line of the damage, in the second record
    assert message.startswith(f"{tmp_path / 'feed.xml'}, line ") and ": malformed XML: " in message
    assert message.endswith(f"(in the record starting at line {line})")

    kept, stderr = ingest_skipping_bad(run_kg, tmp_path, "feed.xml", text)
    assert kept == ["Atom paper 1", "Atom paper 3", "Atom paper 4", "Good paper"] and "bad 1" in stderr


@pytest.mark.parametrize("format", XML)
@pytest.mark.parametrize("tag", ["start", "end"])
def test_xml_record_with_a_damaged_tag_costs_only_itself(tmp_path, format, tag):
    make, _ = XML[format]
    name = "entry" if format == "arxiv" else "PubmedArticle"
    text = make()
    second = text.index(f"<{name}>", text.index(f"</{name}>"))
    if tag == "start":
        text = text[:second] + f"<{name}x>" + text[second + len(name) + 2 :]
    else:
        end = text.index(f"</{name}>", second)
        text = text[:end] + f"</{name}x>" + text[end + len(name) + 3 :]
    records = list(read(_write(tmp_path / "feed.xml", text), format))
    assert titles(records) == ["Atom paper 1", "Atom paper 3", "Atom paper 4"] and len(bad(records)) == 1


def test_xml_file_cut_between_records_keeps_them_and_says_so(tmp_path):
    text = atom_feed().replace("</feed>\n", "")
    records = list(read(_write(tmp_path / "feed.xml", text)))
    assert titles(records) == ["Atom paper 1", "Atom paper 2", "Atom paper 3", "Atom paper 4"]
    assert bad(records) == [f"{tmp_path / 'feed.xml'}, line 24: malformed XML (truncated?): no element found, column 0"]


def test_xml_damage_before_the_first_record_says_nothing_was_read(tmp_path):
    text = atom_feed().replace('<feed xmlns="http://www.w3.org/2005/Atom">', '<feed xmlns="http://www.w3.org/2005/Atom" x=1>')
    records = list(read(_write(tmp_path / "feed.xml", text), "arxiv"))
    assert titles(records) == []
    assert bad(records) == [f"{tmp_path / 'feed.xml'}, line 2: malformed XML: not well-formed (invalid token), column 44; no record was read"]


def test_pubmed_date_with_digits_that_are_not_ascii_is_read(tmp_path):
    text = pubmed_set(1).replace("</Article>", "<ArticleDate><Year>2019</Year><Month>1\u00b2</Month><Day>\u00b2</Day></ArticleDate></Article>")
    [paper] = read(_write(tmp_path / "pubmed.xml", text))
    assert paper.published == "2019"


# --- Oversized records ---------------------------------------------------------------------------

BIG = "word " * 600  # 3000 bytes


def oversized_file(format):
    """Three records of `format`, the second longer than 2000 bytes."""
    if format == "openalex":
        big = {"Big": list(range(1, 600)), "start": [0]}
        return works_file([work(1), work(2, abstract_inverted_index=big), work(3)])
    if format == "bibtex":
        return "".join(f"@article{{k{n},\n  title = {{Atom paper {n}}},\n  abstract = {{{BIG if n == 2 else 'Short.'}}}\n}}\n\n" for n in (1, 2, 3))
    text = (atom_feed if format == "arxiv" else pubmed_set)(3)
    return text.replace("Abstract 2.", BIG)


@pytest.mark.parametrize("format, where", [("arxiv", "line 9"), ("pubmed", "line 10"), ("bibtex", "line 6"), ("openalex", "line 4")])
def test_record_longer_than_the_limit_is_one_bad_record(tmp_path, monkeypatch, format, where):
    monkeypatch.setattr(config, "MAX_RECORD_BYTES", 2000)
    path = _write(tmp_path / "big", oversized_file(format))
    records = list(read(path, format))
    assert [t.replace("Work", "Atom paper") for t in titles(records)] == ["Atom paper 1", "Atom paper 3"]
    assert bad(records) == [f"{path}, {where}: record longer than 2000 bytes"]


# --- BibTeX in linear time ---------------------------------------------------------------------

def bibtex_file(path, megabytes, unclosed_every=0):
    """A generated BibTeX file; every `unclosed_every`-th entry has a brace that never closes.
    Entries are small (many of them) when none is unclosed. Returns the number of entries
    and of unclosed ones."""
    abstract = "We segment the liver in CT with a {U-Net}. " * (12 if unclosed_every else 1)
    entries, unclosed, size, parts = 0, 0, 0, []
    while size < megabytes * 2**20:
        broken = unclosed_every and entries % unclosed_every == 1
        entry = (f"@article{{key{entries}, title = {{Paper {entries} on {{CT}}}}, year = 2021,\n"
                 f"  abstract = {{{'{{' if broken else ''}{abstract}}}}}\n")
        parts.append(entry)
        size += len(entry)
        entries += 1
        unclosed += bool(broken)
    path.write_text("".join(parts))
    return entries, unclosed


def _seconds_to_read(path):
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        records = list(read(path, "bibtex"))
        best = min(best, time.process_time() - start)
    return best, records


@pytest.mark.parametrize("unclosed_every", [0, 10])
def test_bibtex_reads_in_linear_time(tmp_path, unclosed_every):
    small, large = tmp_path / "small.bib", tmp_path / "large.bib"
    bibtex_file(small, 0.0625, unclosed_every)
    entries, unclosed = bibtex_file(large, 0.25, unclosed_every)
    small_seconds, _ = _seconds_to_read(small)
    large_seconds, records = _seconds_to_read(large)
    assert len(titles(records)) == entries - unclosed
    assert len(bad(records)) == unclosed
    assert all("unbalanced braces" in message for message in bad(records))
    assert large_seconds < 8 * small_seconds  # four times the text: about four times the work, not sixteen


def test_bibtex_unclosed_braces_on_one_line_say_what_they_cost(tmp_path):
    entry = "@article{k%d, title={Paper %d}, abstract={%sAbstract.}} "
    path = _write(tmp_path / "one.bib", "".join(entry % (n, n, "{{" if n % 3 == 1 else "") for n in range(300)) + "\n")
    records = list(read(path))
    assert titles(records)[:1] == ["Paper 0"]
    assert bad(records)[-1].endswith("entries after it on the same line were not read")


def _write(path, text):
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path
