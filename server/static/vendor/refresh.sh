#!/usr/bin/env bash
# Refresh the vendored browser libraries from the npm registry; see VENDORED.md.
#
#   bash server/static/vendor/refresh.sh            # the pinned versions below
#   YASGUI_VERSION=4.6.3 bash server/static/vendor/refresh.sh
#
# Installs into a throw-away folder (no install scripts run), copies only the built files the
# pages load plus every licence they need, and rewrites SHA256SUMS. node_modules never
# reaches the repository.
set -euo pipefail

YASGUI_VERSION="${YASGUI_VERSION:-4.6.2}"
CYTOSCAPE_VERSION="${CYTOSCAPE_VERSION:-3.35.0}"
FCOSE_VERSION="${FCOSE_VERSION:-2.2.0}"
TERSER_VERSION="${TERSER_VERSION:-5.51.4}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --ignore-scripts --no-audit --no-fund --omit=dev \
  "@zazuko/yasgui@${YASGUI_VERSION}" "cytoscape@${CYTOSCAPE_VERSION}" \
  "cytoscape-fcose@${FCOSE_VERSION}" "terser@${TERSER_VERSION}" >/dev/null

mkdir -p "$here/yasgui" "$here/cytoscape" "$here/fcose"
cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css \
   "$here/yasgui/"
cp node_modules/cytoscape/dist/cytoscape.min.js node_modules/cytoscape/LICENSE "$here/cytoscape/"

# fcose ships unminified UMD files (layout-base <- cose-base <- cytoscape-fcose): minify them
# into one file, in that order, keeping their licence comments; and keep each LICENSE.
npx --no-install terser node_modules/layout-base/layout-base.js node_modules/cose-base/cose-base.js \
  node_modules/cytoscape-fcose/cytoscape-fcose.js --compress --mangle --comments some \
  --output "$here/fcose/cytoscape-fcose.bundle.min.js"
for pkg in layout-base cose-base cytoscape-fcose; do
  cp "node_modules/$pkg/LICENSE" "$here/fcose/LICENSE.$pkg"
done

# The YASGUI bundle contains its dependencies; collect the licence text of each of them.
node - "$here/yasgui/THIRD-PARTY-LICENSES.txt" <<'JS'
const fs = require("fs");
const path = require("path");
const { execSync } = require("child_process");
const out = process.argv[2];
const tree = JSON.parse(execSync("npm ls --all --omit=dev --json", { encoding: "utf8" }));
const seen = new Map();
(function walk(deps, dir) {
  for (const [name, info] of Object.entries(deps || {})) {
    const key = `${name}@${info.version}`;
    if (!seen.has(key)) { seen.set(key, name); }
    walk(info.dependencies, dir);
  }
})({ "@zazuko/yasgui": tree.dependencies["@zazuko/yasgui"] });
const parts = ["Licences of the packages bundled in yasgui.min.js / yasgui.min.css",
  "(collected from the installed npm packages by refresh.sh; each package's own words).", ""];
for (const [key, name] of [...seen.entries()].sort()) {
  const dir = path.join("node_modules", name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const files = fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f));
  parts.push("=".repeat(78), `${key}  (license field: ${pkg.license || JSON.stringify(pkg.licenses) || "none"})`, "=".repeat(78));
  if (files.length === 0) { parts.push("(this package ships no licence file)"); }
  for (const f of files) { parts.push(fs.readFileSync(path.join(dir, f), "utf8").trim()); }
  parts.push("");
}
fs.writeFileSync(out, parts.join("\n") + "\n");
JS

cd "$here"
sha256sum yasgui/yasgui.min.js yasgui/yasgui.min.css cytoscape/cytoscape.min.js \
  fcose/cytoscape-fcose.bundle.min.js > SHA256SUMS
echo "vendored @zazuko/yasgui ${YASGUI_VERSION}, cytoscape ${CYTOSCAPE_VERSION} and" \
  "cytoscape-fcose ${FCOSE_VERSION} into ${here}"
