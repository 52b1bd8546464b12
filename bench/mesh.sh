#!/usr/bin/env bash
# The routing mesh against a direct connection and against HAProxy (mode tcp, roundrobin), with wrk on
# loopback: the same two backend containers (bench/httpbench.c, a tiny keep-alive HTTP server), keep-alive
# and connection-per-request (`Connection: close`). Median of RUNS runs of DURATION seconds each.
#   bench/mesh.sh            (RUNS=5 DURATION=10 CONNECTIONS=16 THREADS=1 WARMUP=15: p99 swings from run to run)
# Prints a markdown table; needs root, dockerd, gcc, and Debian's wrk and haproxy (installed if missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-5}"
duration="${DURATION:-10}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-1}"
warmup="${WARMUP:-15}"
port="${ENXAME_PORT:-23751}"
tls_port="${ENXAME_TLS_PORT:-23761}"
published="${PUBLISHED:-18080}"
haproxy_port="${HAPROXY_PORT:-18081}"
image="enxame-bench/httpbench:latest"
docker_cli="${DOCKER_CLI:-/usr/local/bin/docker}"

"$root/scripts/ensure-docker.sh"
command -v wrk >/dev/null && command -v haproxy >/dev/null || apt-get install -y -qq wrk haproxy >&2

# Other benchmarks and tests share the machine: refuse to start on a port someone else listens on.
for p in "$port" "$tls_port" 23771 23781 "$published" "$haproxy_port"; do
  if ss -Hltn "sport = :$p" | grep -q .; then echo "port $p is in use (another run?)" >&2; exit 1; fi
done

work="$(mktemp -d)"
if ! docker image inspect "$image" >/dev/null 2>&1; then
  gcc -static -O2 -pthread -o "$work/httpbench" "$root/bench/httpbench.c"
  tar -C "$work" -c httpbench | docker import -c 'CMD ["/httpbench", "80"]' - "$image" >/dev/null
fi

"$root/enxame" up --data-dir "$work/data" --port "$port" --tls-port "$tls_port" --dispatcher-port 23771 --raft-port 23781 >"$work/enxame.log" 2>&1 &
enxame_pid=$!
haproxy_pid=""
cleanup() {
  [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null || true
  kill "$enxame_pid" 2>/dev/null || true; wait "$enxame_pid" 2>/dev/null || true
  node_id=$(sed -n 's/.*"nodeId" : "\(.*\)".*/\1/p' "$work/data/node.json" 2>/dev/null || true)
  [ -n "$node_id" ] && docker ps -aq --filter "label=com.docker.swarm.node.id=$node_id" | xargs -r docker rm -f >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
until grep -q "Enxame is ready" "$work/enxame.log"; do
  kill -0 "$enxame_pid" 2>/dev/null || { cat "$work/enxame.log" >&2; exit 1; }
  sleep 0.2
done
export DOCKER_HOST="tcp://127.0.0.1:$port"
"$docker_cli" service create --detach --quiet --name meshbench --replicas 2 -p "$published:80" "$image" >/dev/null
until [ "$("$docker_cli" service ps meshbench --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running')" -ge 2 ]; do
  sleep 0.2
done
unset DOCKER_HOST
mapfile -t ips < <(docker ps -q --filter label=com.docker.swarm.service.name=meshbench |
  xargs docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')
until curl -fsS "http://127.0.0.1:$published/" >/dev/null 2>&1; do sleep 0.2; done

cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 3s
  timeout client 30s
  timeout server 30s
frontend bench
  bind 127.0.0.1:$haproxy_port
  default_backend tasks
backend tasks
  balance roundrobin
  server t1 ${ips[0]}:80
  server t2 ${ips[1]}:80
CFG
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
until curl -fsS "http://127.0.0.1:$haproxy_port/" >/dev/null 2>&1; do sleep 0.2; done

to_ms() { # wrk latency like 512.00us, 1.20ms, 2.01s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
one_run() { # url header... -> "rps p50ms p99ms"
  local url="$1"; shift
  local out; out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" "$url")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A url=([direct]="http://${ips[0]}:80/" [mesh]="http://127.0.0.1:$published/" [haproxy]="http://127.0.0.1:$haproxy_port/")
declare -A result rps p50 p99
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
for mode in keep-alive close; do
  headers=(); [ "$mode" = close ] && headers=(-H "Connection: close")
  for target in direct mesh haproxy; do # one untimed round each (JIT, caches)
    wrk -t"$threads" -c"$connections" -d"${warmup}s" "${headers[@]}" "${url[$target]}" >/dev/null
  done
  # Runs interleave the three paths, so that load from elsewhere on the machine falls on all of them alike.
  for _ in $(seq "$runs"); do
    for target in direct mesh haproxy; do
      read -r r a b < <(one_run "${url[$target]}" "${headers[@]}")
      rps[$mode,$target]+="$r "; p50[$mode,$target]+="$a "; p99[$mode,$target]+="$b "
    done
  done
  for target in direct mesh haproxy; do
    # shellcheck disable=SC2086 # the lists are space-separated numbers
    result[$mode,$target]="$(median ${rps[$mode,$target]}) $(median ${p50[$mode,$target]}) $(median ${p99[$mode,$target]})"
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "wrk -t$threads -c$connections -d${duration}s --latency, median of $runs interleaved runs after a ${warmup}s warm-up each; backends: 2 tasks of $image"
echo "load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| mode | path | req/s | p50 (ms) | p99 (ms) | req/s ÷ direct | p50 ÷ direct | p99 ÷ direct |"
echo "|---|---|---|---|---|---|---|---|"
for mode in keep-alive close; do
  read -r dr d50 d99 <<<"${result[$mode,direct]}"
  for target in direct mesh haproxy; do
    read -r r a b <<<"${result[$mode,$target]}"
    echo "| $mode | $target | $r | $a | $b | $(ratio "$r" "$dr") | $(ratio "$a" "$d50") | $(ratio "$b" "$d99") |"
  done
done
echo
for mode in keep-alive close; do
  read -r mr m50 m99 <<<"${result[$mode,mesh]}"
  read -r hr h50 h99 <<<"${result[$mode,haproxy]}"
  echo "$mode: mesh ÷ haproxy: req/s $(ratio "$mr" "$hr"), p50 $(ratio "$m50" "$h50"), p99 $(ratio "$m99" "$h99")"
done
