/*
 * ProfileCheck: load an ontology with the OWL API and report every problem, one per line.
 *
 * Why: rdflib and owlready2 accept RDF that Protégé and other OWL tools read differently
 * (untyped properties, punned IRIs, triples that map to no OWL axiom). The OWL API is the
 * reference implementation behind Protégé and ROBOT, so its verdict is the one that counts.
 *
 * Usage: java ProfileCheck [--catalog catalog-v001.xml] ontology-file
 *
 * Output lines start with one of:
 *   PARSE ERROR      the file or an import could not be loaded
 *   UNPARSED TRIPLE  a triple the RDF parser could not turn into an axiom or annotation
 *   GUESSED TYPE     an IRI whose entity kind the parser had to guess (undeclared use)
 *   DL VIOLATION     a violation of the OWL 2 DL profile in the imports closure
 *   ILLEGAL PUNNING  one IRI used as two kinds of property, or as class and datatype
 * and a last line "# checked FILE: N problem(s)", so a caller can tell a finished check from
 * a crash. Exit status: 0 if nothing was reported, 1 if problems were found, 2 on bad usage,
 * 3 if the checker itself failed (for example a missing jar).
 */

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLEntity;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.util.SimpleIRIMapper;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public final class ProfileCheck {

    private ProfileCheck() {
    }

    public static void main(String[] args) {
        String catalog = null;
        String target = null;
        for (int i = 0; i < args.length; i++) {
            if ("--catalog".equals(args[i]) && i + 1 < args.length) {
                catalog = args[++i];
            } else {
                target = args[i];
            }
        }
        if (target == null) {
            System.err.println("usage: ProfileCheck [--catalog catalog-v001.xml] ontology-file");
            System.exit(2);
        }
        List<String> problems = new ArrayList<>();
        try {
            check(new File(target), catalog == null ? null : new File(catalog), problems);
        } catch (Throwable e) {
            // Not a verdict on the ontology: the checker broke (e.g. a jar is missing).
            System.err.println("ProfileCheck failed: " + e);
            e.printStackTrace();
            System.exit(3);
        }
        for (String problem : problems) {
            System.out.println(problem.replace('\n', ' '));
        }
        System.out.println("# checked " + target + ": " + problems.size() + " problem(s)");
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    private static void check(File target, File catalog, List<String> problems) {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        if (catalog != null) {
            try {
                addCatalogMappings(manager, catalog);
            } catch (Exception e) {
                problems.add("PARSE ERROR: cannot read catalog " + catalog + ": " + e.getMessage());
                return;
            }
        }
        // Fail on a missing import instead of silently skipping it: offline use must work.
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.THROW_EXCEPTION)
                .setReportStackTraces(false);
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(
                    new FileDocumentSource(target, formatFor(target)), config);
        } catch (OWLOntologyCreationException e) {
            problems.add("PARSE ERROR: " + firstLine(e.getMessage()));
            return;
        }
        ontology.importsClosure().forEach(o -> reportLoaderMetaData(manager, o, problems));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            problems.add("DL VIOLATION: " + violation);
        }
        reportPunning(ontology, problems);
    }

    /**
     * Picks the parser from the file extension. Without this the OWL API tries every parser
     * in turn and one of the lenient ones may "succeed" on a broken file with an empty ontology.
     */
    private static OWLDocumentFormat formatFor(File file) {
        String name = file.getName().toLowerCase();
        if (name.endsWith(".ttl")) {
            return new TurtleDocumentFormat();
        }
        return new RDFXMLDocumentFormat();
    }

    /** OWL 2 DL allows class/individual punning but not two property kinds on one IRI. */
    private static void reportPunning(OWLOntology ontology, List<String> problems) {
        Map<String, Set<String>> kinds = new TreeMap<>();
        ontology.importsClosure().flatMap(OWLOntology::signature).forEach((OWLEntity e) ->
                kinds.computeIfAbsent(e.getIRI().toString(), k -> new TreeSet<>())
                        .add(e.getEntityType().getName()));
        kinds.forEach((iri, types) -> {
            long properties = types.stream().filter(t -> t.endsWith("Property")).count();
            boolean classAndDatatype = types.contains("Class") && types.contains("Datatype");
            if (properties > 1 || classAndDatatype) {
                problems.add("ILLEGAL PUNNING: <" + iri + "> used as " + String.join(", ", types));
            }
        });
    }

    private static void reportLoaderMetaData(OWLOntologyManager manager, OWLOntology ontology,
            List<String> problems) {
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        if (format == null) {
            return;
        }
        Optional<OWLOntologyLoaderMetaData> meta = format.getOntologyLoaderMetaData();
        if (!meta.isPresent() || !(meta.get() instanceof RDFParserMetaData)) {
            return;
        }
        RDFParserMetaData rdfMeta = (RDFParserMetaData) meta.get();
        String where = ontology.getOntologyID().getOntologyIRI().map(IRI::toString).orElse("(anonymous)");
        rdfMeta.getUnparsedTriples()
                .forEach(t -> problems.add("UNPARSED TRIPLE in " + where + ": " + t));
        rdfMeta.getGuessedDeclarations().entries()
                .forEach(e -> problems.add("GUESSED TYPE in " + where + ": " + e.getKey()
                        + " as " + e.getValue().getSimpleName()));
    }

    /** Reads <uri name="..." uri="..."/> entries of an OASIS XML catalog (the Protégé subset). */
    private static void addCatalogMappings(OWLOntologyManager manager, File catalog) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        NodeList uris = builder.parse(catalog).getElementsByTagNameNS("*", "uri");
        File base = catalog.getAbsoluteFile().getParentFile();
        for (int i = 0; i < uris.getLength(); i++) {
            Element element = (Element) uris.item(i);
            IRI name = IRI.create(element.getAttribute("name"));
            File local = new File(base, element.getAttribute("uri"));
            manager.getIRIMappers().add(new SimpleIRIMapper(name, IRI.create(local)));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
