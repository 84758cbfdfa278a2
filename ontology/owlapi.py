"""OWL 2 DL profile check of a release file with the OWL API (the library behind Protégé).

rdflib parses anything that is RDF; the OWL API decides whether that RDF is a valid OWL 2 DL
ontology, and it is what Protégé, ROBOT and HermiT's front end use. So the release gate asks
it: parse errors, triples that map to no OWL construct, guessed entity types, and OWL 2 DL
profile violations are reported one per line.

The checker is a small Java program (``ontology/owlapi/ProfileCheck.java``) compiled on first
use against the Debian ``libowlapi-java`` jars; the jar list is in ``owlapi/classpath.txt``.
Compiled classes are cached outside the repository (``$XDG_CACHE_HOME/ketamine-kg``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

from ontology.java import JavaMissingError, require_executable
from ontology.layout import OWLAPI_DIR

JAR_DIR = Path(os.environ.get("KETAMINE_KG_JAR_DIR", "/usr/share/java"))
SOURCE = OWLAPI_DIR / "ProfileCheck.java"
CLASSPATH_LIST = OWLAPI_DIR / "classpath.txt"
MAIN_CLASS = "ProfileCheck"
TIMEOUT_SECONDS = 300


class OwlApiError(RuntimeError):
    """The checker itself failed (not the ontology): compile error, crash, timeout."""


def classpath_jars() -> list[Path]:
    """The jars listed in ``owlapi/classpath.txt``, all of which must exist."""
    names = [line.split("#", 1)[0].strip() for line in CLASSPATH_LIST.read_text().splitlines()]
    jars = [JAR_DIR / name for name in names if name]
    missing = [jar.name for jar in jars if not jar.exists()]
    if missing:
        raise JavaMissingError(
            f"OWL API jars missing from {JAR_DIR}: {', '.join(missing)}; install the Debian "
            "package libowlapi-java (apt-get install libowlapi-java)")
    return jars


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "ketamine-kg" / "owlapi"


def compiled_classes() -> Path:
    """The directory holding the compiled checker, compiling it if the source changed.

    The directory name is a hash of the source and the classpath, so an edit recompiles and
    parallel test runs never see half-written class files (compilation goes to a temporary
    directory that is renamed into place).
    """
    jars = classpath_jars()
    javac = require_executable("javac", "default-jdk-headless")
    digest = hashlib.sha256(SOURCE.read_bytes() + ":".join(map(str, jars)).encode()).hexdigest()
    target = _cache_dir() / digest[:16]
    if (target / f"{MAIN_CLASS}.class").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix="compile-"))
    result = subprocess.run(
        [javac, "-nowarn", "-d", str(staging), "-cp", os.pathsep.join(map(str, jars)),
         str(SOURCE)],
        capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    if result.returncode != 0:
        raise OwlApiError(f"javac failed for {SOURCE}:\n{result.stderr.strip()}")
    try:
        staging.rename(target)
    except OSError:  # another process won the race; its classes are identical
        pass
    return target


def check_dl_profile(path: Path | str, catalog: Path | str | None = None) -> list[str]:
    """Problems the OWL API finds in ``path``, one line each; an empty list means valid OWL 2 DL.

    Imports are resolved through ``catalog``, or through a ``catalog-v001.xml`` next to the
    file when none is given (as Protégé does), so the check works offline.
    Raises JavaMissingError when java, javac or the jars are missing.
    """
    target = Path(path)
    if catalog is None and (target.parent / "catalog-v001.xml").exists():
        catalog = target.parent / "catalog-v001.xml"
    java = require_executable("java", "default-jre-headless")
    classes = compiled_classes()
    command = [java, "-cp", os.pathsep.join([str(classes), *map(str, classpath_jars())]),
               MAIN_CLASS]
    if catalog is not None:
        command += ["--catalog", str(catalog)]
    command.append(str(target))
    try:
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as error:
        raise OwlApiError(f"OWL API check of {target} took over {TIMEOUT_SECONDS}s") from error
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    # The checker ends with "# checked ..."; without it the run did not finish.
    if result.returncode not in (0, 1) or not lines or not lines[-1].startswith("# checked "):
        raise OwlApiError(f"OWL API check of {target} crashed (exit {result.returncode}):\n"
                          f"{result.stderr.strip()[-2000:]}")
    return lines[:-1]
