"""Finding the Java tools the OWL API check and HermiT need, with errors naming the fix.

Both checks shell out to Java. When Java is missing, a bare ``FileNotFoundError`` from
``subprocess`` tells the user nothing, so every lookup goes through here and fails with
one line naming the Debian package to install.
"""

from __future__ import annotations

import shutil


class JavaMissingError(RuntimeError):
    """A Java tool (java, javac) or a jar the checks need is not installed."""


def require_executable(name: str, package: str) -> str:
    """The full path of ``name`` on PATH, or a JavaMissingError naming ``package``."""
    found = shutil.which(name)
    if found is None:
        raise JavaMissingError(
            f"'{name}' not found on PATH; install the Debian package {package} "
            f"(apt-get install {package})")
    return found
