#!/usr/bin/env bash
# Time from `docker service create --detach --replicas N` to all N tasks Running, through the same
# docker CLI, for Enxame and for real Docker Swarm on the same engine, beside the engine's own
# limit (N containers created and started directly, in parallel). Median of RUNS runs each.
#   bench/service-create.sh [N ...]        (default: 1 10 50; RUNS=3)
# Prints a markdown table; needs root, dockerd and the test image (scripts/make-test-image.sh).
set -euo pipefail
sizes=("${@:-1}"); [ $# -gt 0 ] || sizes=(1 10 50)
runs="${RUNS:-3}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

wait_running() { # host service n
  local host="$1" svc="$2" n="$3"
  until [ "$(DOCKER_HOST="$host" "$docker_cli" service ps "$svc" --filter desired-state=running \
             --format '{{.CurrentState}}' 2>/dev/null | grep -c '^Running')" -ge "$n" ]; do
    sleep 0.2 # the docker CLI's own progress cadence; faster polling steals CPU from what is measured
  done
}

time_service() { # host n -> ms
  local host="$1" n="$2" svc="bench$RANDOM" t0 t1
  t0=$(now_ms)
  DOCKER_HOST="$host" "$docker_cli" service create --detach --quiet --name "$svc" --replicas "$n" --init \
    "$image" sleep 600 >/dev/null
  wait_running "$host" "$svc" "$n"
  t1=$(now_ms)
  DOCKER_HOST="$host" "$docker_cli" service rm "$svc" >/dev/null
  wait_gone "$svc"
  echo $((t1 - t0))
}

time_engine() { # n -> ms
  local n="$1" t0 t1
  t0=$(now_ms)
  seq "$n" | xargs -P 8 -I{} sh -c "docker run -d --init --label enxame-bench=1 '$image' sleep 600 >/dev/null"
  t1=$(now_ms)
  docker ps -aq --filter label=enxame-bench=1 | xargs -r docker rm -f >/dev/null
  echo $((t1 - t0))
}

start_enxame
start_swarm

# One untimed round each, so that neither side is measured cold (JIT, image cache, first network).
time_service "$enxame_host" 1 >/dev/null
time_service "$swarm_host" 1 >/dev/null
time_engine 1 >/dev/null

echo "| N | Enxame (ms) | Swarm (ms) | engine limit (ms) | Enxame / Swarm | Enxame / engine |"
echo "|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  e=(); s=(); g=()
  for _ in $(seq "$runs"); do
    e+=("$(time_service "$enxame_host" "$n")")
    s+=("$(time_service "$swarm_host" "$n")")
    g+=("$(time_engine "$n")")
  done
  me=$(median "${e[@]}"); ms=$(median "${s[@]}"); mg=$(median "${g[@]}")
  awk -v n="$n" -v e="$me" -v s="$ms" -v g="$mg" \
    'BEGIN { printf "| %s | %d | %d | %d | %.2f | %.2f |\n", n, e, s, g, e / s, e / g }'
done
