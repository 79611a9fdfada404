"""The records: JSON-ready papers, and a paper's analysis as its extraction record."""

from kg.records import Entity, Evaluation, LinkedMention, Mention, Paper, PaperAnalysis, Relation, Result

CT = "https://example.org/kg/modality/ct"
NET = "https://example.org/kg/entity/model/zorbnet"
SET = "https://example.org/kg/dataset/quux"
DICE = "https://example.org/kg/metric/dice"


def test_paper_to_dict_is_json_ready():
    data = Paper(id="x", title="t", abstract="a", authors=("A",)).to_dict()
    assert data["authors"] == ["A"] and data["sources"] == []


def test_paper_text_is_a_slice_of_a_field():
    paper = Paper(id="P", title="A title", abstract="One. Two.")
    assert paper.text("abstract", 5, 9) == "Two." and paper.text("title", 0, 1) == "A" and paper.text(None, 0, 3) == ""


def test_mention_aliases_are_its_text_then_its_abbreviation_halves_once_each():
    mention = Mention("P", "metric", "DSC", "abstract", 0, 3, "DSC.", long_form="Dice similarity coefficient", short_form="DSC")
    assert mention.aliases == ("DSC", "Dice similarity coefficient")


def analysis() -> PaperAnalysis:
    """A paper analyzed by hand: two sentences, three entities, a result and two relations."""
    paper = Paper(id="P", title="ZorbNet", abstract="We use CT. ZorbNet has a Dice of 0.9 on Quux.")
    mention = Mention("P", "model", "ZorbNet", "title", 0, 7, "ZorbNet", sentence_start=0, sentence_end=7)
    second = (11, 45)  # "ZorbNet has a Dice of 0.9 on Quux."
    return PaperAnalysis(
        paper=paper,
        linked=(LinkedMention(mention, NET, "ZorbNet", 0.5, "new"),),
        entities=(Entity(NET, "model", "ZorbNet", ("ZorbNet",)), Entity(CT, "modality", "CT", ("CT",)),
                  Entity(SET, "dataset", "Quux", ("Quux",)), Entity(DICE, "metric", "Dice", ("Dice",))),
        introduced=(NET,),
        results=(Result(DICE, "0.9", "score", NET, SET, "abstract", *second),),
        relations=(Relation("P", "INTRODUCES", NET, 0.8, "title", 0, 7),
                   Relation(NET, "EVALUATED_ON", SET, 0.8, "abstract", *second),
                   Relation(SET, "HAS_MODALITY", CT, 1.0, source="ontology")),
        roles=((NET, "proposed"), (SET, "evaluated")),
        evaluations=(Evaluation(NET, SET, "abstract", *second),),
    )


def test_to_record_names_every_entity_by_its_id_and_quotes_each_sentence():
    record = analysis().to_record()
    assert list(record) == ["id", "title", "abstract", "entities", "introduced", "results", "roles", "evaluations", "relations", "sections"]
    assert record["roles"] == {"datasets": {"Quux": "evaluated"}, "models": {"ZorbNet": "proposed"}}
    assert record["evaluations"] == [{"model": "ZorbNet", "dataset": "Quux"}]
    assert list(record["entities"]) == ["model", "dataset", "modality", "organ", "metric", "task", "disease"]
    assert record["entities"]["model"] == [{"name": "ZorbNet", "id": NET, "aliases": ["ZorbNet"]}]
    assert record["entities"]["organ"] == []
    assert record["introduced"] == ["ZorbNet"]
    assert record["results"] == [{"model": "ZorbNet", "dataset": "Quux", "metric": "Dice", "value": "0.9", "kind": "score"}]
    assert record["relations"] == [
        {"subject": "P", "predicate": "INTRODUCES", "object": NET, "confidence": 0.8, "sentence": "ZorbNet", "source": "text"},
        {"subject": NET, "predicate": "EVALUATED_ON", "object": SET, "confidence": 0.8,
         "sentence": "ZorbNet has a Dice of 0.9 on Quux.", "source": "text"},
        {"subject": SET, "predicate": "HAS_MODALITY", "object": CT, "confidence": 1.0, "sentence": "", "source": "ontology"},
    ]
