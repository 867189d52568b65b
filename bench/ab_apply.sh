#!/usr/bin/env bash
# Side by side: two builds of bench_apply (an older commit's and this one's)
# on the same backlog size, interleaved round by round, so both see the same
# machine. Build the older one in a worktree first, e.g.
#   git worktree add /tmp/ferry-old COMMIT && cd /tmp/ferry-old &&
#   cmake --preset release && cmake --build --preset release --target bench_apply
# then: bench/ab_apply.sh /tmp/ferry-old/build/release/bench/bench_apply \
#         build/release/bench/bench_apply [ROUNDS] [EVENTS]
set -euo pipefail
old=${1:?usage: ab_apply.sh OLD_BENCH_APPLY NEW_BENCH_APPLY [ROUNDS] [EVENTS]}
new=${2:?usage: ab_apply.sh OLD_BENCH_APPLY NEW_BENCH_APPLY [ROUNDS] [EVENTS]}
rounds=${3:-3}
events=${4:-300000}
export FERRY_TEST_ROOT=${FERRY_TEST_ROOT:-/tmp/ferry-tests-bench}
for round in $(seq "$rounds"); do
    for side in old new; do
        bin=$old
        [ "$side" = new ] && bin=$new
        echo "=== round $round $side"
        "$bin" "$events" --repeat 3 --no-reference 2>&1 | grep -E '^\| Ferry|^Set-based|equals'
    done
done
