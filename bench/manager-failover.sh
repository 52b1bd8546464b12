#!/usr/bin/env bash
# Issue 3: `kill -9` of the leading manager's process, until a write through another manager's gateway is
# acknowledged. Three managers as separate processes on one machine: `enxame up` on 127.0.0.1, two more joined
# with the manager token on 127.0.0.2 and 127.0.0.3 (the same ports on each address). Each round finds the
# leader (`docker node ls`, MANAGER STATUS), kills its process with SIGKILL, times `docker secret create`
# through a survivor's gateway until it succeeds (the CLI's own start-up, ~50 ms, is in the figure), then
# restarts the killed manager on its data dir and waits until it is Reachable again.
# Then a worker (`enxame join` with the worker token on 127.0.0.4, through the first manager): each round kills
# the manager whose dispatcher holds the worker's session (the last "session accepted by" in the worker's log)
# and times how long until another manager accepts the worker's session (its tasks are not touched meanwhile).
#   KILLS=10 WORKER_KILLS=5 bench/manager-failover.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kills="${KILLS:-10}"
worker_kills="${WORKER_KILLS:-5}"
worker_pid=0
ports=(--port 23750 --tls-port 23751 --dispatcher-port 23770 --raft-port 23780)
addrs=(127.0.0.1 127.0.0.2 127.0.0.3)
pids=(0 0 0)
ids=("" "" "")

dc() { local addr=$1; shift; DOCKER_HOST="tcp://$addr:23750" "$docker_cli" "$@"; }

stop_managers() {
  [ "$worker_pid" != 0 ] && kill -9 "$worker_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do [ "$pid" != 0 ] && kill -9 "$pid" 2>/dev/null || true; done
  for id in "${ids[@]}"; do
    [ -n "$id" ] && docker ps -aq --filter "label=com.docker.swarm.node.id=$id" | xargs -r docker rm -f >/dev/null 2>&1 || true
  done
  cleanup
}
trap stop_managers EXIT

# Starts (or restarts, on its data dir) manager $1; waits until its gateway answers.
start_manager() {
  local i=$1 dir="$data/m$1" log="$data/m$1.log"
  if [ "$i" = 0 ]; then
    "$root/enxame" up --data-dir "$dir" --advertise-addr "${addrs[0]}" "${ports[@]}" >>"$log" 2>&1 &
  else
    "$root/enxame" join --token "$token" --data-dir "$dir" --advertise-addr "${addrs[$i]}" "${ports[@]}" \
      "${addrs[0]}:23770" >>"$log" 2>&1 &
  fi
  pids[$i]=$!
  until dc "${addrs[$i]}" info >/dev/null 2>&1; do
    kill -0 "${pids[$i]}" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  ids[$i]=$(sed -n 's/.*"nodeId" : "\(.*\)".*/\1/p' "$dir/node.json")
}

status_of() { dc "$1" node ls --format '{{.ID}} {{.ManagerStatus}}' 2>/dev/null | awk -v id="$2" '$1 == id {print $2}'; }

# Manager $1's status as the leader sees it (a follower knows only its own and the leader's reachability).
status() { status_of "${addrs[$(leader_index)]}" "${ids[$1]}"; }

# The index of the leading manager, once a gateway names one.
leader_index() {
  local a i line
  while :; do
    for a in "${addrs[@]}"; do
      line=$(dc "$a" node ls --format '{{.ID}} {{.ManagerStatus}}' 2>/dev/null | awk '$2 == "Leader" {print $1}')
      for i in 0 1 2; do [ -n "$line" ] && [ "$line" = "${ids[$i]}" ] && { echo "$i"; return; }; done
    done
    sleep 0.2
  done
}

# Restarts killed manager $1 on its data dir; waits until the leader hears from it again.
revive() {
  wait "${pids[$1]}" 2>/dev/null || true
  start_manager "$1"
  until [ "$(status "$1")" = Reachable ] || [ "$(status "$1")" = Leader ]; do sleep 0.2; done
}

# Prints a label, then the median, max and all of the figures that follow it.
report() {
  local label=$1; shift
  echo
  echo "$label"
  echo "  median $(median "$@") ms, max $(printf '%s\n' "$@" | sort -n | tail -1) ms, all: $*"
}

start_manager 0
token=$(dc "${addrs[0]}" swarm join-token -q manager)
start_manager 1
start_manager 2
for i in 1 2; do until [ "$(status "$i")" = Reachable ]; do sleep 0.2; done; done
echo "three managers: ${ids[*]}"

secret_file="$data/secret.txt"
echo "bench" >"$secret_file"
times=()
for round in $(seq 1 "$kills"); do
  leader=$(leader_index)
  survivor=$(( (leader + 1) % 3 ))
  t0=$(now_ms)
  kill -9 "${pids[$leader]}"
  until dc "${addrs[$survivor]}" secret create "failover-$round" "$secret_file" >/dev/null 2>&1; do :; done
  t1=$(now_ms)
  times+=($((t1 - t0)))
  echo "round $round: killed the leader ${ids[$leader]} (${addrs[$leader]}); a write through ${addrs[$survivor]} acknowledged after $((t1 - t0)) ms"
  revive "$leader"
done
report "kill -9 of the leading manager's process -> a write acknowledged through another manager, $kills kills:" "${times[@]}"

worker_log="$data/w.log"
"$root/enxame" join --token "$(dc "${addrs[0]}" swarm join-token -q worker)" --data-dir "$data/w" --advertise-addr 127.0.0.4 \
  "${addrs[0]}:23770" >>"$worker_log" 2>&1 &
worker_pid=$!
accepted() { grep -c "session accepted by" "$worker_log" || true; }
until [ "$(accepted)" -ge 1 ]; do kill -0 "$worker_pid" || { cat "$worker_log" >&2; exit 1; }; sleep 0.2; done
worker_times=()
for round in $(seq 1 "$worker_kills"); do
  held_by=$(grep "session accepted by" "$worker_log" | tail -1 | sed 's/.*session accepted by \/*\([0-9.]*\):.*/\1/')
  for i in 0 1 2; do [ "${addrs[$i]}" = "$held_by" ] && victim=$i; done
  before=$(accepted)
  t0=$(now_ms)
  kill -9 "${pids[$victim]}"
  until [ "$(accepted)" -gt "$before" ]; do sleep 0.02; done
  t1=$(now_ms)
  worker_times+=($((t1 - t0)))
  echo "worker round $round: killed ${addrs[$victim]}, which held the worker's session; another manager accepted it after $((t1 - t0)) ms"
  revive "$victim"
done
report "kill -9 of the manager holding a worker's session -> the session accepted by another manager, $worker_kills kills:" "${worker_times[@]}"
