"""Value statements: a regulatory status or a date, each a claim with its evidence."""

from __future__ import annotations

from graph_fixtures import extract_text
from rdflib import OWL, RDF, Literal

from graph.namespaces import KKE, KKG


def _values(graph, prop) -> set[str]:
    return {str(v) for v in graph.objects(None, prop)}


def test_status_and_dates_are_claims_with_their_sentence() -> None:
    text = ("Modafinil Notes\n\nModafinil was approved for medical use in the United States in "
            "1998. In the United States it is classified as a schedule IV controlled "
            "substance. It is on the World Health Organization's List of Essential Medicines.")
    graph = extract_text(text).graph
    assert (KKE.modafinil, KKG.approvedIn, Literal("1998")) in graph
    assert {"schedule IV controlled substance",
            "World Health Organization's List of Essential Medicines"} <= \
        {str(v) for v in graph.objects(KKE.modafinil, KKG.regulatoryStatus)}
    claims = list(graph.subjects(KKG.claimValue, Literal("1998")))
    assert len(claims) == 1
    (claim,) = claims
    assert (claim, RDF.type, KKG.Claim) in graph
    assert graph.value(claim, KKG.claimSubject) == KKE.modafinil
    assert "approved for medical use" in str(graph.value(graph.value(claim, KKG.inSentence),
                                                       KKG.text))
    axioms = [a for a in graph.subjects(OWL.annotatedTarget, Literal("1998"))]
    assert axioms and graph.value(axioms[0], KKG.evidenceSentence) is not None


def test_the_value_is_about_the_drug_the_sentence_opens_with() -> None:
    text = ("Ketamine Notes\n\nKetamine is used for anaesthesia. Esketamine was approved in "
            "2019.")
    graph = extract_text(text).graph
    assert (KKE.esketamine, KKG.approvedIn, Literal("2019")) in graph
    assert (KKE.ketamine, KKG.approvedIn, None) not in graph


def test_populations_and_settings_are_drug_level_facts() -> None:
    text = ("Modafinil Notes\n\nModafinil is used by astronauts on long missions. In "
            "psychotherapeutic settings its effects have been described. Its use during "
            "breastfeeding is not recommended.")
    claims = extract_text(text).claims
    facts = {(str(c.predicate).rsplit("/", 1)[-1], str(c.object).rsplit("/", 1)[-1],
              c.negated) for c in claims}
    assert ("usedBy", "astronaut", False) in facts
    assert ("usedInSetting", "psychotherapeutic-setting", False) in facts
    assert ("contraindicatedIn", "breastfeeding", False) in facts


def test_a_mechanism_written_as_a_phrase_becomes_a_process() -> None:
    """Issue 9: "works by blocking the nerve signals …" has somewhere to go."""
    text = ("Botox Notes\n\nBotox works by blocking the nerve signals that tell muscles to "
            "contract. One possibility is that it may affect the areas of the brain involved "
            "with the sleep cycle.")
    claims = extract_text(text).claims
    processes = {str(c.object).rsplit("/", 1)[-1]: c for c in claims
                 if str(c.predicate).endswith("affectsProcess")}
    assert "blocking-the-nerve-signals-that-tell-muscles-to-contract" in processes
    sleep = processes["areas-of-the-brain-involved-with-the-sleep-cycle"]
    assert sleep.certainty == KKG.hypothesised


def test_a_phrase_that_names_known_things_is_read_through_them() -> None:
    claims = extract_text("MDMA Notes\n\nMDMA acts by increasing the activity of serotonin "
                          "and dopamine.").claims
    objects = {str(c.object).rsplit("/", 1)[-1] for c in claims}
    assert {"serotonin", "dopamine"} <= objects
    assert not any(o.startswith("increasing") for o in objects)
