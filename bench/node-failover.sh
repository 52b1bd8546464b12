#!/usr/bin/env bash
# Issue 4: time from `kill -9` of a worker node's process until all its tasks run on another node.
#
# Enxame all-in-one (its own node drained, so tasks land on workers only) and two workers joined with
# `enxame join` as separate processes advertising 127.0.0.2, all on the local engine. Each run starts a fresh
# "victim" worker beside the lasting one, creates a service of REPLICAS tasks spread over both, kills the
# victim's process with SIGKILL and times until every task runs on the lasting worker. Swarm is not run: a
# second engine is not available here, so its figure is the one its defaults give (see RESULTS.md).
#   RUNS=5 REPLICAS=4 bench/node-failover.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs="${RUNS:-5}"
replicas="${REPLICAS:-4}"
service=bench-failover

start_enxame
dc() { DOCKER_HOST="$enxame_host" "$docker_cli" "$@"; }  # plain `docker` (lib.sh) is the engine
manager=$(dc info --format '{{.Swarm.NodeID}}')
dc node update --availability drain "$manager" >/dev/null
token=$(dc swarm join-token -q worker)
heartbeat=$(dc info --format '{{.Swarm.Cluster.Spec.Dispatcher.HeartbeatPeriod}}')

worker_pids=()
worker_ids=()
stop_workers() {
  for pid in "${worker_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for id in "${worker_ids[@]}"; do docker ps -aq --filter "label=com.docker.swarm.node.id=$id" | xargs -r docker rm -f >/dev/null 2>&1 || true; done
  cleanup
}
trap stop_workers EXIT

# Starts a worker named $1; sets $pid and $id once the manager sees it ready.
start_worker() {
  "$root/enxame" join --token "$token" --data-dir "$data/$1" --advertise-addr 127.0.0.2 127.0.0.1:23770 >"$data/$1.log" 2>&1 &
  pid=$!
  worker_pids+=("$pid")
  until grep -qs "joined a swarm" "$data/$1.log"; do
    kill -0 "$pid" 2>/dev/null || { cat "$data/$1.log" >&2; exit 1; }
    sleep 0.2
  done
  id=$(sed -n 's/.*"nodeId" : "\(.*\)".*/\1/p' "$data/$1/node.json")
  worker_ids+=("$id")
  until [ "$(dc node inspect --format '{{.Status.State}}' "$id")" = ready ]; do sleep 0.2; done
}

running_on() { dc node ps "$1" --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running' || true; }

start_worker stay
stay=$id
times=()
i=0
while [ "${#times[@]}" -lt "$runs" ]; do
  i=$((i + 1))
  start_worker "victim$i"
  victim_pid=$pid victim=$id
  dc service create --detach --name "$service" --replicas "$replicas" --label enxame-bench=1 "$image" sleep 600 >/dev/null
  until [ $(( $(running_on "$stay") + $(running_on "$victim") )) -eq "$replicas" ]; do sleep 0.2; done
  moved=$(running_on "$victim")
  if [ "$moved" -eq 0 ]; then
    # The scheduler had not seen the new worker yet when the service came: this run measures nothing.
    echo "run $i: no task on the new worker, run again"
    kill -9 "$victim_pid"
    dc service rm "$service" >/dev/null
    wait_gone "$service"
    dc node rm --force "$victim" >/dev/null
    continue
  fi
  t0=$(now_ms)
  kill -9 "$victim_pid"
  until [ "$(running_on "$stay")" -eq "$replicas" ]; do sleep 0.05; done
  t1=$(now_ms)
  times+=($((t1 - t0)))
  echo "run $i: $moved task(s) on the killed worker, all $replicas running on the other after $((t1 - t0)) ms"
  # The killed node's containers outlive its agent, as on a partitioned host: remove them by hand.
  docker ps -aq --filter "label=com.docker.swarm.node.id=$victim" | xargs -r docker rm -f >/dev/null 2>&1 || true
  dc service rm "$service" >/dev/null
  wait_gone "$service"
  dc node rm --force "$victim" >/dev/null
done
echo
echo "kill -9 of a worker -> its tasks running elsewhere, $runs runs, HeartbeatPeriod $heartbeat:"
echo "  median $(median "${times[@]}") ms, all: ${times[*]}"
