"""The text → claims pipeline, one module a stage, with its rules and vocabularies beside it.

load → sentences (+ markup) → linking (ontology lexicon, public vocabularies, abbreviations)
→ open recognition (lists, candidate patterns) → relations (+ anaphora, certainty) → claims
and grounded terms (RDF). ``pipeline.extract_document`` runs them in order; ``rules/`` holds
the data each rule-driven stage reads, ``vocab/`` the public vocabularies' loaders and index.
Apart from the query runtime (executor, guard, sandbox, results, remote store) in ``graph/``.
"""
