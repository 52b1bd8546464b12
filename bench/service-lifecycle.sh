#!/usr/bin/env bash
# Service lifecycle speed, Enxame beside real Docker Swarm on the same engine, same CLI, same options:
#  1. a rolling update of 10 replicas with --update-parallelism 2 --update-delay 0s: from the update
#     call until the engine runs exactly the 10 new containers (every old one stopped);
#  2. a killed task's replacement: from the moment `docker kill` of the task's container has returned
#     (the task is dead; how long the engine takes to kill is not the orchestrator's) until the engine runs
#     its replacement, with --restart-delay 0s and with Swarm's default delay (5 s).
# Both are observed on the engine itself (docker ps, every 100 ms), the same way for both sides.
# Median of RUNS runs (default 3).   bench/service-lifecycle.sh
set -euo pipefail
runs="${RUNS:-3}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

running_of() { # service [label] -> count of running containers
  local extra=()
  [ $# -gt 1 ] && extra=(--filter "label=$2")
  docker ps -q --filter "label=com.docker.swarm.service.name=$1" "${extra[@]}" | wc -l
}

create() { # host service replicas [flags...]
  local host="$1" svc="$2" n="$3"; shift 3
  DOCKER_HOST="$host" "$docker_cli" service create --detach --quiet --name "$svc" --replicas "$n" --init "$@" \
    "$image" sleep 600 >/dev/null
  until [ "$(running_of "$svc")" -eq "$n" ]; do sleep 0.1; done
}

remove() { DOCKER_HOST="$1" "$docker_cli" service rm "$2" >/dev/null; wait_gone "$2"; }

time_update() { # host -> ms
  local host="$1" svc="upd$RANDOM" t0 t1
  create "$host" "$svc" 10
  t0=$(now_ms)
  DOCKER_HOST="$host" "$docker_cli" service update --detach --quiet --update-parallelism 2 --update-delay 0s \
    --container-label-add bench.gen=2 "$svc" >/dev/null
  until [ "$(running_of "$svc" bench.gen=2)" -eq 10 ] && [ "$(running_of "$svc")" -eq 10 ]; do sleep 0.1; done
  t1=$(now_ms)
  remove "$host" "$svc"
  echo $((t1 - t0))
}

time_replacement() { # host restart-delay -> ms
  local host="$1" delay="$2" svc="kill$RANDOM" victim t0 t1
  create "$host" "$svc" 1 --restart-delay "$delay"
  victim=$(docker ps -q --filter "label=com.docker.swarm.service.name=$svc")
  docker kill "$victim" >/dev/null
  t0=$(now_ms) # the task is dead once the engine has killed it; `docker kill` itself is the engine's time
  until [ -n "$(docker ps -q --filter "label=com.docker.swarm.service.name=$svc" | grep -v "^$victim")" ]; do sleep 0.1; done
  t1=$(now_ms)
  remove "$host" "$svc"
  echo $((t1 - t0))
}

# The engine's own floor for a replacement: the same container created and started directly (`docker run -d`,
# as the agents do: create then start), observed the same way, from the call until `docker ps` lists it.
time_engine_start() { # -> ms
  local name="floor$RANDOM" t0 t1
  t0=$(now_ms)
  docker run -d --init --label enxame-bench=1 --name "$name" "$image" sleep 600 >/dev/null
  until [ -n "$(docker ps -q --filter "name=^/$name\$")" ]; do sleep 0.1; done
  t1=$(now_ms)
  docker rm -f "$name" >/dev/null
  echo $((t1 - t0))
}

start_enxame
start_swarm

# One untimed round each, so that neither side is measured cold.
time_replacement "$enxame_host" 0s >/dev/null
time_replacement "$swarm_host" 0s >/dev/null

row() { # label enxame-ms... -- swarm-ms...
  local label="$1"; shift
  local e=() s=() in_s=""
  for x in "$@"; do if [ "$x" = "--" ]; then in_s=1; elif [ -n "$in_s" ]; then s+=("$x"); else e+=("$x"); fi; done
  awk -v l="$label" -v e="$(median "${e[@]}")" -v s="$(median "${s[@]}")" -v ea="${e[*]}" -v sa="${s[*]}" \
    'BEGIN { printf "| %s | %d (%s) | %d (%s) | %.2f |\n", l, e, ea, s, sa, e / s }'
}

echo "| measure | Enxame median ms (runs) | Swarm median ms (runs) | Enxame / Swarm |"
echo "|---|---|---|---|"
for what in update "replace 0s" "replace 5s"; do
  e=(); s=()
  for _ in $(seq "$runs"); do
    case "$what" in
      update) e+=("$(time_update "$enxame_host")"); s+=("$(time_update "$swarm_host")") ;;
      "replace 0s") e+=("$(time_replacement "$enxame_host" 0s)"); s+=("$(time_replacement "$swarm_host" 0s)") ;;
      "replace 5s") e+=("$(time_replacement "$enxame_host" 5s)"); s+=("$(time_replacement "$swarm_host" 5s)") ;;
    esac
  done
  case "$what" in
    update) label="rolling update, 10 replicas, parallelism 2, delay 0s" ;;
    "replace 0s") label="killed task replaced and running, --restart-delay 0s" ;;
    *) label="killed task replaced and running, default --restart-delay 5s" ;;
  esac
  row "$label" "${e[@]}" -- "${s[@]}"
done
f=(); for _ in $(seq "$runs"); do f+=("$(time_engine_start)"); done
echo
echo "engine floor (docker run -d of the same container, until docker ps lists it): median $(median "${f[@]}") ms (${f[*]})"
