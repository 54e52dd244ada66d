#!/usr/bin/env bash
# The whole suite, lab included: `npm test`.
#   1. the lab (engines, sshd, registry, containers) — idempotent, as root on Debian
#   2. typecheck (each folder's tsconfig enforces the layering) and lint
#   3. unit + integration tests (Vitest), then end-to-end tests in Chromium against headless mode
# Prints one closing line "N passed, N failed" counted from the runners' JSON reports.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
status=0

if [ "${HOMEPORT_SKIP_LAB:-}" != 1 ]; then
  bash scripts/lab.sh up || { echo "lab: could not start the test lab" >&2; exit 1; }
fi

echo "== typecheck and lint"
npx tsc -b || status=1
npx eslint . || status=1

echo "== build"
npx electron-vite build >.cache/build.log 2>&1 || { cat .cache/build.log; status=1; }

rm -f .cache/vitest.json .cache/e2e.json
echo "== unit and integration tests"
npx vitest run --reporter=default --reporter=json --outputFile=.cache/vitest.json || status=1
echo "== end-to-end tests (Chromium, headless mode)"
npx vitest run --config e2e/vitest.config.ts --reporter=default --reporter=json --outputFile=.cache/e2e.json || status=1

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of [".cache/vitest.json", ".cache/e2e.json"]) {
    if (!fs.existsSync(f)) { failed++; console.error("no report: " + f); continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
    if (r.numTotalTests === 0) { failed++; console.error("no tests ran: " + f); }
    // A file that fails outside its tests (a hook, a missing browser) leaves them skipped, not failed: count it.
    for (const s of r.testResults ?? []) if (s.status === "failed" && !(s.assertionResults ?? []).some((a) => a.status === "failed")) { failed++; console.error("suite failed outside its tests: " + s.name); }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
' || status=1
exit $status
