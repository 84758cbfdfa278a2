"""What HermiT is given: the ontology plus data, less what cannot change what it infers.

A build hands the reasoner the ontology, every document graph and the merged graph, but most of
those triples are evidence bookkeeping: claims, sentences and documents with their texts,
offsets, labels, hedge cues and ``owl:Axiom`` annotations. HermiT realises every individual
against every class and property, so its time grows much faster than the number of individuals
(50 articles: 196 s, nearly all of it on claims and sentences). ``reduce_input`` removes what
provably cannot change the answer, in two steps, both derived from the axioms in the input
(no list of predicates is typed in here), and ``ReducedInput.expand`` maps HermiT's answer on
the reduced input back onto the individuals that were left out.

Below, T is the input's logical axioms (everything that is not an annotation or an assertion
about an individual) and A its assertions. Entailments are of named-class and property
assertions about named individuals, class subsumptions, and inconsistency. Predicates that are
declared as nothing are kept as they are.

Step 0, annotations. Annotation assertions (``rdfs:label``, ``rdfs:seeAlso``, declared
annotation properties) and ``owl:Axiom``/``owl:Annotation`` reifications whose annotated
triple is itself in the input have no meaning in OWL 2's direct semantics: dropping them changes
no entailment.

Step 1, inert assertions. A property p is *inert* when neither p nor any property above it
(through ``rdfs:subPropertyOf``, ``owl:equivalentProperty``, ``owl:inverseOf``, with the
direction flipped for inverses) appears in T other than in its declaration, its
``rdfs:domain``/``rdfs:range`` and those three property axioms: no class expression, chain,
key, characteristic (functional, transitive …) or disjointness mentions it. An assertion
p(a, b) of an inert p is dropped when what its domain and range axioms say about a and b already
follows from their asserted types through told sub-class axioms (and, for a data property,
when b is a well-typed literal of its range datatype); otherwise it is kept, so a domain or
range that would type an individual still does. Likewise a class assertion C(a) is dropped when
C appears in no logical axiom. Soundness: take any model I of T and the reduced assertions.
Re-interpret each inert property as I's extension plus the dropped pairs (closed upwards
through the property hierarchy, reversed for inverses): the only axioms that mention it are
its domain, range and property axioms, which hold because the end points already are in
those classes; a free class becomes I's extension plus the dropped members, no axiom
mentions it. Nothing else
changes, so the result is a model of T and all of A that agrees with I on every kept class
and property. Hence every entailment in the kept vocabulary, including inconsistency, is the
same with and without the dropped assertions. Values of the inert properties themselves are
not HermiT's business afterwards: the reasoner completes property values from the *whole*
asserted graph (``ontology.rbox.complete_property_values``), which is where, e.g., the
inverse ``kkg:supports`` of every ``kkg:supportedBy`` comes from.

Step 2, twins. After step 1 most claims are just "a Claim with certainty X", every sentence "a
Sentence". Individuals that appear in no axiom of T (not nominals, not in ``owl:sameAs`` or
``owl:AllDifferent``) and whose remaining assertions are identical once the individual itself is
replaced by a placeholder (same types, same values, same incoming edges) are *twins*; only one
of each group (the smallest IRI) is kept. Soundness: given a model of the reduced input,
interpret each dropped twin as the same element as its representative (OWL does not assume
unique names): every assertion about the twin is then one about the representative, so this is
a model of the full input that agrees on everything kept, and entailments about kept
individuals and inconsistency are unchanged. Entailments about a twin are those about its
representative, because swapping the two maps the assertions onto themselves. The one case this
does not decide, a property value from a representative to itself (is it then also between two
of its twins?), is detected by ``expand``, and the caller reasons again without twins.
Individuals whose every assertion was dropped are twins of one fresh individual added for the
purpose (two individuals nothing is said about have the same entailments).

Equalities. OWL does not assume unique names: an input may entail that two names are one
individual, and HermiT would then also give one name the values of a dropped property that the
other has. So the input is reduced only when the axioms can equate names in no other way than
through *classes of nominals* (a named class defined by ``owl:oneOf``, e.g. kkg:CertaintyLevel):
no ``owl:sameAs``, max or exact cardinalities, keys, inverse-functional properties or top
property; ``owl:oneOf`` only as such a definition or as an existential filler; every functional
object property ranging over a class of nominals. Then a name can only be equal to another if
it is in a class of nominals; assertions about nominals are never dropped, and an individual
other than a nominal that is told (here) or found (by ``expand``) to be in such a class makes
the caller reason over the whole input. The pipeline never produces one: certainty values are
always one of the five levels.

Measured on the 50-article bench folder: 83,265 input triples (2,867 claims, 1,514 sentences,
824 uses …) → 5,060 triples about 1,138 individuals (uses, the vocabulary, one claim per
certainty level, one sentence, one document); HermiT 5 s instead of 170-230 s, and the inferred
graph the same triple for triple (``tests/test_reasoner_input.py`` checks it on the seed
article, docs/benchmarks.md has the figures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ontology.rbox import reachable

__all__ = ["FRESH_INDIVIDUAL", "ReducedInput", "UndecidedError", "reduce_input"]

Triple = tuple[object, object, object]

_NOTHING: frozenset[object] = frozenset()
_SELF = object()  # stands for the individual itself in its profile
# rdflib looks namespace members up on every access: the hot loops use these instead
_TYPE, _THING, _LITERAL = RDF.type, OWL.Thing, RDFS.Literal
_SUBCLASS, _EQUIVALENT = RDFS.subClassOf, OWL.equivalentClass
_LANG_STRING, _XSD_STRING = RDF.langString, XSD.string

FRESH_INDIVIDUAL = URIRef("urn:x-ketamine-kg:reasoner-input:fresh-individual")

_BUILTIN_NAMESPACES = (str(OWL), str(RDF), str(RDFS))
_BUILTIN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy,
                        OWL.versionInfo, OWL.deprecated, OWL.priorVersion,
                        OWL.backwardCompatibleWith, OWL.incompatibleWith}
_PROPERTY_DECLARATIONS = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                          RDF.Property}
# Where a property may appear in T and still be inert (see the module docstring).
_PROPERTY_LINKS = {RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf}
_BUILTIN_PROPERTIES = {OWL.topObjectProperty, OWL.bottomObjectProperty, OWL.topDataProperty,
                       OWL.bottomDataProperty}
_INDIVIDUAL_TYPES = {OWL.NamedIndividual, OWL.Thing}
# What can make two names one individual, besides functional properties and nominals
_EQUATING = {OWL.sameAs, OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.cardinality,
             OWL.qualifiedCardinality, OWL.hasKey}
_EQUATING_TYPES = {OWL.InverseFunctionalProperty}
# Datatypes whose lexical forms rdflib checks (``Literal.ill_typed``); plain strings need none.
_STRING_TYPES = {None, XSD.string, RDF.langString}
_CHECKED_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
                  XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger,
                  XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte,
                  XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.dateTime, XSD.date,
                  XSD.anyURI}
_NOT_IN_URIS = set('<>"{}|\\^`')


class UndecidedError(Exception):
    """HermiT's answer on the reduced input does not settle the full one: reason again.

    ``whole`` says how: without twins (False), or over the whole input (True).
    """

    def __init__(self, message: str, *, whole: bool) -> None:
        super().__init__(message)
        self.whole = whole


@dataclass
class ReducedInput:
    """The graph HermiT gets, and how to map its answer back onto the full input."""

    graph: Graph
    twins: dict[URIRef, URIRef] = field(default_factory=dict)  # left out -> representative
    dropped: dict[str, int] = field(default_factory=dict)  # triples dropped, by reason
    whole: str = ""  # why the graph is the whole input, if it is
    nominals: set[object] = field(default_factory=set)
    nominal_classes: set[object] = field(default_factory=set)
    class_parents: dict[object, set[object]] = field(default_factory=dict)  # told
    typed_classes: set[object] = field(default_factory=set)  # told types of non-nominals

    def expand(self, triples: Iterable[tuple[URIRef, URIRef, URIRef]]
               ) -> list[tuple[URIRef, URIRef, URIRef]]:
        """HermiT's triples plus the same facts about every twin of the individuals in them.

        Raises UndecidedError for a value from a representative with twins to itself (whether
        the twins are related to each other is then not decided by the reduced input), and for
        an individual other than a nominal in a class of nominals (it may be another name of
        one of them, see the module docstring).
        """
        triples = list(triples)
        self._check_equalities(triples)
        members: dict[URIRef, list[URIRef]] = defaultdict(list)
        for twin, representative in self.twins.items():
            members[representative].append(twin)
        result = []
        for s, p, o in triples:
            if s == o and s in members and p != _TYPE:
                raise UndecidedError(f"{s} {p} {o}: are its twins related?", whole=False)
            subjects = [s, *members.get(s, ())]
            objects = [o] if p == _TYPE else [o, *members.get(o, ())]
            result.extend((s2, p, o2) for s2 in subjects for o2 in objects)
        fresh = FRESH_INDIVIDUAL
        return [t for t in result if fresh not in (t[0], t[2])]

    def _check_equalities(self, triples: list[tuple[URIRef, URIRef, URIRef]]) -> None:
        if not self.nominal_classes:
            return
        parents = defaultdict(set, {c: set(p) for c, p in self.class_parents.items()})
        for s, p, o in triples:  # HermiT's own subsumptions count too
            if p == _SUBCLASS or p == _EQUIVALENT:
                parents[s].add(o)
                if p == _EQUIVALENT:
                    parents[o].add(s)
        for s, p, o in triples:
            if p == _TYPE and s not in self.nominals \
                    and reachable(o, parents) & self.nominal_classes:
                raise UndecidedError(f"{s} is in a class of nominals", whole=True)
        for cls in self.typed_classes:  # a told type HermiT found to be below one
            if reachable(cls, parents) & self.nominal_classes:
                raise UndecidedError(f"{cls} is below a class of nominals", whole=True)


def reduce_input(graph: Graph, *, twins: bool = True) -> ReducedInput:
    """The part of ``graph`` that HermiT needs (see the module docstring for why it suffices)."""
    return _Reducer(graph).reduce(twins)


class _Reducer:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.object_properties = _subjects(graph, OWL.ObjectProperty)
        self.data_properties = _subjects(graph, OWL.DatatypeProperty)
        self.annotation_properties = (_subjects(graph, OWL.AnnotationProperty)
                                      | _BUILTIN_ANNOTATIONS) - self.object_properties \
            - self.data_properties
        self.dropped: dict[str, int] = defaultdict(int)

    # ------------------------------------------------------------------ sorting triples

    def _reifications(self) -> tuple[set[object], set[object]]:
        """owl:Axiom / owl:Annotation nodes: (annotated triple in the graph, the others)."""
        redundant, others = set(), set()
        for node in set(self.graph.subjects(OWL.annotatedSource, None)):
            source = self.graph.value(node, OWL.annotatedSource)
            prop = self.graph.value(node, OWL.annotatedProperty)
            target = self.graph.value(node, OWL.annotatedTarget)
            if None not in (source, prop, target) and (source, prop, target) in self.graph:
                redundant.add(node)
            else:
                others.add(node)
        return redundant, others

    def _category(self, predicate: object) -> str:
        if predicate in self.annotation_properties:
            return "annotation"
        if predicate == _TYPE:
            return "type"
        if predicate == OWL.imports:
            return "imports"
        if str(predicate).startswith(_BUILTIN_NAMESPACES):
            return "schema"
        if predicate in self.object_properties or predicate in self.data_properties:
            return "value"
        return "other"  # undeclared: its meaning is the parser's guess, keep it as it is

    def _sort(self) -> tuple[list[Triple], list[Triple], list[Triple]]:
        """(schema, class and individual assertions, property assertions); the rest dropped."""
        reified, kept_reified = self._reifications()
        schema: list[Triple] = []
        types: list[Triple] = []
        values: list[Triple] = []
        categories: dict[object, str] = {}
        builtin_types: dict[object, bool] = {}
        dropped = defaultdict(int)
        for triple in self.graph:
            s, p, o = triple
            if s in reified:
                dropped["axiom annotations"] += 1
                continue
            if s in kept_reified:  # the reification alone states the axiom: keep it whole
                schema.append(triple)
                continue
            category = categories.get(p)
            if category is None:
                category = categories[p] = self._category(p)
            if category == "value":
                values.append(triple)
            elif category == "annotation":
                dropped["annotations"] += 1
            elif category == "type":
                builtin = builtin_types.get(o)
                if builtin is None:  # owl:Class, owl:Restriction … declare, they assert nothing
                    builtin = builtin_types[o] = isinstance(o, URIRef) and str(o).startswith(
                        _BUILTIN_NAMESPACES) and o not in _INDIVIDUAL_TYPES
                (schema if builtin else types).append(triple)
            elif category == "schema":
                schema.append(triple)
            elif category == "other":
                types.append(triple)
        for reason, count in dropped.items():
            self.dropped[reason] += count
        return schema, types, values

    # ------------------------------------------------------------------ the axioms

    def _read_schema(self, schema: list[Triple]) -> None:
        self.schema_terms = {t for s, _p, o in schema for t in (s, o)
                             if not isinstance(t, Literal)}
        # properties mentioned in T anywhere but their declaration, domain, range and links
        self.constrained: set[object] = set()
        self.links: dict[object, set[tuple[object, bool]]] = defaultdict(set)
        self.domains: dict[object, set[object]] = defaultdict(set)
        self.ranges: dict[object, set[object]] = defaultdict(set)
        supers: dict[object, set[object]] = defaultdict(set)
        properties = self.object_properties | self.data_properties | _BUILTIN_PROPERTIES
        for s, p, o in schema:
            if p == _TYPE and o in _PROPERTY_DECLARATIONS:
                continue
            if p in (RDFS.domain, RDFS.range) and isinstance(s, URIRef):
                (self.domains if p == RDFS.domain else self.ranges)[s].add(o)
                if o in properties:
                    self.constrained.add(o)
                continue
            if p in _PROPERTY_LINKS and isinstance(s, URIRef) and isinstance(o, URIRef):
                flipped = p == OWL.inverseOf
                self.links[s].add((o, flipped))
                if p != RDFS.subPropertyOf:
                    self.links[o].add((s, flipped))
                continue
            for term in (s, o):
                if term in properties:
                    self.constrained.add(term)
            if p in (RDFS.subClassOf, OWL.equivalentClass):
                supers[s].add(o)
                if p == OWL.equivalentClass:
                    supers[o].add(s)
        self.class_supers = supers
        self._told_cache: dict[object, set[object]] = {}
        self._family_cache: dict[object, set[tuple[object, bool]]] = {}
        self._list_cache: dict[tuple[object, object], list[list[object]]] = {}

    def _equality_risk(self, schema: list[Triple]) -> str:
        """Why T might make two named individuals one other than by a class of nominals, or "".

        Nominals (``owl:oneOf``, ``owl:hasValue``) are allowed as a named class's definition
        (a *class of nominals*, e.g. kkg:CertaintyLevel) and as existential fillers; a
        functional object property must range over a class of nominals. Then an individual can
        be equal to another only if it is in a class of nominals (checked on the answer).
        """
        functional = []
        for s, p, o in schema:
            if p in _EQUATING or (p == _TYPE and o in _EQUATING_TYPES):
                return f"{o if p == _TYPE else p} in the axioms"
            if OWL.topObjectProperty in (s, o) or OWL.topDataProperty in (s, o):
                return "the top property in the axioms"
            if p == _TYPE and o == OWL.FunctionalProperty:
                functional.append(s)
        risk = self._read_nominals(schema)
        for prop in functional:
            if risk or prop in self.data_properties:
                continue
            ranges = {c for member, flipped in self._family(prop)
                      for c in (self.domains if flipped else self.ranges).get(member, ())}
            if not any(self._told_supers(c) & self.nominal_classes for c in ranges):
                risk = f"functional {prop} does not range over a class of nominals"
        return risk

    def _read_nominals(self, schema: list[Triple]) -> str:
        """Collect nominals and classes of nominals; say why if one is used elsewhere."""
        self.nominals: set[object] = set()
        self.nominal_classes: set[object] = set()
        one_of: set[object] = set()
        for s, p, o in schema:
            if p == OWL.oneOf:
                members = _items(self.graph, o)
                if not all(isinstance(m, Literal) for m in members):  # not a data range
                    one_of.add(s)
                    self.nominals.update(members)
            elif p == OWL.hasValue and not isinstance(o, Literal):
                self.nominals.add(o)
        for s, p, o in schema:
            if p in (_TYPE, OWL.oneOf):
                continue
            named = isinstance(s, URIRef), isinstance(o, URIRef)
            if o in one_of and (p == _EQUIVALENT or p == _SUBCLASS) and named[0]:
                self.nominal_classes.add(s)
            elif s in one_of and p == _EQUIVALENT and named[1]:
                self.nominal_classes.add(o)
            elif o in one_of and p == OWL.someValuesFrom:
                continue
            elif s in one_of or o in one_of:
                return f"owl:oneOf used with {p}"
        return ""

    def _family(self, prop: object) -> set[tuple[object, bool]]:
        """``prop`` and the properties above it, each with whether the direction flips."""
        if prop not in self._family_cache:
            self._family_cache[prop] = self._walk_family(prop)
        return self._family_cache[prop]

    def _walk_family(self, prop: object) -> set[tuple[object, bool]]:
        seen = {(prop, False)}
        stack = [(prop, False)]
        while stack:
            current, flipped = stack.pop()
            for other, flip in self.links.get(current, ()):
                item = (other, flipped != flip)
                if item not in seen:
                    seen.add(item)
                    stack.append(item)
        return seen

    def _inert(self, prop: object) -> bool:
        family = self._family(prop)
        return not any(member in self.constrained or member in _BUILTIN_PROPERTIES
                       for member, _flipped in family)

    def _told_supers(self, cls: object) -> set[object]:
        """Named classes and class expressions above ``cls`` by told axioms (and itself)."""
        if cls not in self._told_cache:
            seen = {cls}
            stack = [cls]
            while stack:
                current = stack.pop()
                found = set(self.class_supers.get(current, ()))
                if isinstance(current, BNode):  # an intersection is below each of its parts
                    for parts in self._lists(current, OWL.intersectionOf):
                        found.update(parts)
                for item in found - seen:
                    seen.add(item)
                    stack.append(item)
            self._told_cache[cls] = seen
        return self._told_cache[cls]

    def _entails_type(self, told: set[object], cls: object) -> bool:
        """Whether membership of all classes in ``told`` entails membership of ``cls``."""
        if cls == _THING or cls in told:
            return True
        if isinstance(cls, BNode):
            if any(any(self._entails_type(told, part) for part in parts)
                   for parts in self._lists(cls, OWL.unionOf)):
                return True
            if any(all(self._entails_type(told, part) for part in parts)
                   for parts in self._lists(cls, OWL.intersectionOf)):
                return True
        return False

    def _lists(self, node: object, predicate: URIRef) -> list[list[object]]:
        """The members of each list that ``node`` has as its ``predicate``."""
        key = (node, predicate)
        if key not in self._list_cache:
            self._list_cache[key] = [_items(self.graph, head)
                                     for head in self.graph.objects(node, predicate)]
        return self._list_cache[key]

    # ------------------------------------------------------------------ step 1

    def _literal_fits(self, value: object, ranges: set[object]) -> bool:
        if not isinstance(value, Literal):
            return False
        datatype = value.datatype
        if datatype is None and value.language:
            datatype = _LANG_STRING
        if datatype not in _STRING_TYPES and not _well_typed(value, datatype):
            return False
        actual = _XSD_STRING if datatype is None else datatype
        return all(r == _LITERAL or r == actual for r in ranges)

    def _drop_value(self, s: object, p: object, o: object) -> bool:
        """Whether p(s, o) is inert and its domains and ranges follow from told types."""
        if p not in self._inert_cache:
            self._inert_cache[p] = self._inert(p) and not (
                p in self.data_properties and p in self.object_properties)
        if not self._inert_cache[p]:
            return False
        if s in self.nominals or o in self.nominals:
            return False  # two nominals may be one individual: keep all they say
        data = p in self.data_properties
        if data != isinstance(o, Literal):
            return False  # a malformed assertion: let HermiT see it
        subject_types = self.told.get(s, _NOTHING)
        value_types = _NOTHING if data else self.told.get(o, _NOTHING)
        key = (p, id(subject_types), id(value_types))
        if key not in self._value_cache:
            self._value_cache[key] = self._types_follow(p, subject_types, value_types, data)
        if not self._value_cache[key]:
            return False
        return not data or all(self._literal_fits(o, self.ranges.get(member, set()))
                               for member, _flipped in self._family(p))

    def _types_follow(self, p: object, subject_types: frozenset[object],
                      value_types: frozenset[object], data: bool) -> bool:
        for member, flipped in self._family(p):
            if flipped and data:
                return False
            here, there = (value_types, subject_types) if flipped else (
                subject_types, value_types)
            if any(not self._entails_type(here, d) for d in self.domains.get(member, ())):
                return False
            if not data and any(not self._entails_type(there, r)
                                for r in self.ranges.get(member, ())):
                return False
        return True

    # ------------------------------------------------------------------ step 2

    def _twins(self, assertions: list[Triple], gone: set[object]) -> dict[URIRef, URIRef]:
        individuals = {t for s, p, o in assertions
                       for t in ((s,) if p == _TYPE else (s, o)) if isinstance(t, URIRef)}
        candidates = {i for i in individuals if i not in self.schema_terms}
        profiles: dict[object, set[Triple]] = defaultdict(set)
        self_ = _SELF
        for s, p, o in assertions:
            if s in candidates:
                profiles[s].add((self_, p, self_ if o == s else o))
            if o in candidates and o != s:
                profiles[o].add((s, p, self_))
        # a predicate can also be an individual (punning): then it is not a candidate
        candidates -= {p for _s, p, _o in assertions}
        groups: dict[frozenset[Triple], list[URIRef]] = defaultdict(list)
        for individual in candidates:
            groups[frozenset(profiles[individual])].append(individual)
        twins: dict[URIRef, URIRef] = {}
        for members in groups.values():
            if len(members) > 1:
                representative, *others = sorted(members, key=str)
                twins.update((other, representative) for other in others)
        twins.update((individual, FRESH_INDIVIDUAL) for individual in gone)
        return twins

    # ------------------------------------------------------------------ all together

    def reduce(self, merge_twins: bool) -> ReducedInput:
        schema, types, values = self._sort()
        self._read_schema(schema)
        risk = self._equality_risk(schema)
        if risk:
            return ReducedInput(graph=self.graph, whole=risk)
        told: dict[object, set[object]] = defaultdict(set)
        kept_types: list[Triple] = []
        for s, p, o in types:
            if p == _TYPE and o not in _INDIVIDUAL_TYPES and isinstance(o, URIRef) \
                    and o not in self.schema_terms:
                self.dropped["types of classes no axiom mentions"] += 1
                continue
            kept_types.append((s, p, o))
            if p == _TYPE:
                told[s].update(self._told_supers(o))
        interned: dict[frozenset[object], frozenset[object]] = {}
        self.told = {i: interned.setdefault(frozenset(c), frozenset(c)) for i, c in told.items()}
        odd = next((i for i, c in told.items() if c & self.nominal_classes
                    and i not in self.nominals), None)
        if odd is not None:
            return ReducedInput(graph=self.graph, whole=f"{odd} is in a class of nominals")
        self._inert_cache: dict[object, bool] = {}
        self._value_cache: dict[tuple[object, int, int], bool] = {}
        kept_values: list[Triple] = []
        for s, p, o in values:
            if self._drop_value(s, p, o):
                self.dropped["inert property values"] += 1
            else:
                kept_values.append((s, p, o))
        assertions = kept_types + kept_values
        twins: dict[URIRef, URIRef] = {}
        if merge_twins:
            mentioned = {t for s, _p, o in [*assertions, *schema] for t in (s, o)}
            gone = {t for s, p, o in [*types, *values]
                    for t in ((s,) if p == _TYPE else (s, o))
                    if isinstance(t, URIRef) and t not in mentioned}
            gone -= self.object_properties | self.data_properties | self.annotation_properties
            twins = self._twins(assertions, gone)
            before = len(assertions)
            assertions = [t for t in assertions if t[0] not in twins and t[2] not in twins]
            self.dropped["assertions about twins"] += before - len(assertions)
        reduced = Graph(bind_namespaces="none")
        for triple in [*schema, *assertions]:
            reduced.add(triple)  # type: ignore[arg-type]
        if any(r == FRESH_INDIVIDUAL for r in twins.values()):
            reduced.add((FRESH_INDIVIDUAL, _TYPE, OWL.NamedIndividual))
        return ReducedInput(graph=reduced, twins=twins, dropped=dict(self.dropped),
                            nominals=self.nominals, nominal_classes=self.nominal_classes,
                            class_parents=dict(self.class_supers),
                            typed_classes={o for s, p, o in kept_types
                                           if p == _TYPE and s not in self.nominals})


def _well_typed(value: Literal, datatype: object) -> bool:
    """A literal of a datatype rdflib checks whose lexical form is valid (else: keep it)."""
    if datatype not in _CHECKED_TYPES:
        return False
    if datatype == XSD.anyURI:  # rdflib accepts any string; a Java URI parser would not
        return not any(c in _NOT_IN_URIS or c.isspace() for c in str(value))
    # ill_typed is None when the literal was made from a Python value (its form is rdflib's)
    return value.ill_typed is False or (value.ill_typed is None and value.value is not None)


def _subjects(graph: Graph, kind: URIRef) -> set[object]:
    return {s for s in graph.subjects(_TYPE, kind) if isinstance(s, URIRef)}


def _items(graph: Graph, head: object) -> list[object]:
    try:
        return list(Collection(graph, head))
    except Exception:  # a broken list: it entails nothing we rely on
        return []
