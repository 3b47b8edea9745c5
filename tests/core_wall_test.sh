#!/usr/bin/env bash
# The core wall (ARCHITECTURE.md): nothing under src/core or comparators may include I/O,
# networking, database, metrics or threading headers. CMake checks what the core links;
# this checks what its sources include, so a stray include fails the build's tests at once.
set -euo pipefail
root=${1:?usage: core_wall_test.sh PROJECT_ROOT}
pattern='#include *[<"](boost/(asio|beast)|libpq|postgresql|prometheus/|openssl/|thread>|mutex>|condition_variable>|future>|atomic>|shared_mutex>)'
hits=$(grep -rnE "$pattern" "$root/src/core" "$root/comparators" || true)
if [ -n "$hits" ]; then
  echo "core_wall: these includes break the pure core's wall (move the code to shadowdiff_io):"
  echo "$hits"
  exit 1
fi
echo "core_wall: src/core and comparators include no I/O or threading headers"
