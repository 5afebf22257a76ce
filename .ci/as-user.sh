#!/usr/bin/env bash
# The test suite again as an unprivileged user, from a fresh clone: the sandbox must hold, and every test pass,
# without root too (no uid per run, no cgroups unless delegated; bubblewrap through user namespaces).
# Runs the same README test command (`make test`), with a Python that user can execute.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=cpdata-ci
id "$NAME" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$NAME"
WORK=$(mktemp -d /tmp/cpdata-as-user.XXXXXX)
git clone -q "$PWD" "$WORK/main"
[ -d ../shared ] && ln -s "$(cd ../shared && pwd)" "$WORK/shared"
chown -R "$NAME" "$WORK"
chmod 755 "$WORK"
PYTHON=$(runuser -u "$NAME" -- bash -lc 'command -v python3.11 || command -v python3')
runuser -u "$NAME" -- env -i HOME="/home/$NAME" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
  CPDATA_TEST_PG_URL="${CPDATA_TEST_PG_URL:-}" CPDATA_REQUIRE_PG="${CPDATA_REQUIRE_PG:-}" \
  CPDATA_REQUIRE_BWRAP="${CPDATA_REQUIRE_BWRAP:-}" \
  bash -c "cd '$WORK/main' && make test PYTHON='$PYTHON'"
