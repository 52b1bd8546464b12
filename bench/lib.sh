# Shared by the benchmarks: Enxame all-in-one and real Docker Swarm side by side on the local engine.
# Source it, then call start_enxame and start_swarm; cleanup runs on exit.
#   $root, $image, $docker_cli are set here; $enxame_host and $swarm_host after the starts.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image="${IMAGE:-enxame-test/busybox:latest}"
port="${ENXAME_PORT:-23750}"
docker_cli="${DOCKER_CLI:-/usr/local/bin/docker}"

"$root/scripts/ensure-docker.sh"
"$root/scripts/make-test-image.sh" "$image"

now_ms() { date +%s%3N; }

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Waits until no container of the service is left on the engine (running or not).
wait_gone() { while [ -n "$(docker ps -aq --filter "label=com.docker.swarm.service.name=$1")" ]; do sleep 0.2; done; }

data="$(mktemp -d)"
enxame_pid=""
swarm_started=""
cleanup() {
  [ -n "$enxame_pid" ] && { kill "$enxame_pid" 2>/dev/null || true; wait "$enxame_pid" 2>/dev/null || true; }
  docker ps -aq --filter label=enxame-bench=1 | xargs -r docker rm -f >/dev/null 2>&1 || true
  node_id=$(sed -n 's/.*"nodeId" : "\(.*\)".*/\1/p' "$data/node.json" 2>/dev/null || true)
  [ -n "$node_id" ] && docker ps -aq --filter "label=com.docker.swarm.node.id=$node_id" | xargs -r docker rm -f >/dev/null 2>&1
  [ -n "$swarm_started" ] && { docker swarm leave --force >/dev/null 2>&1 || true; }
  rm -rf "$data"
}
trap cleanup EXIT

# Enxame, all-in-one, on its own data dir and ports.
start_enxame() {
  "$root/enxame" up --data-dir "$data" --port "$port" --dispatcher-port 23770 --raft-port 23780 >"$data/enxame.log" 2>&1 &
  enxame_pid=$!
  until grep -qs "Enxame is ready" "$data/enxame.log"; do
    kill -0 "$enxame_pid" 2>/dev/null || { cat "$data/enxame.log" >&2; exit 1; }
    sleep 0.2
  done
  enxame_host="tcp://127.0.0.1:$port"
  DOCKER_HOST="$enxame_host" "$docker_cli" node ls >/dev/null
}

# Real Swarm on the same engine, off Enxame's ports (ARCHITECTURE.md).
start_swarm() {
  if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "inactive" ]; then
    echo "the engine is already in swarm mode (another benchmark?); run 'docker swarm leave --force' first" >&2
    exit 1
  fi
  swarm_started=1
  docker swarm init --listen-addr 127.0.0.1:12377 --advertise-addr 127.0.0.1:12377 >/dev/null
  swarm_host="unix:///var/run/docker.sock"
}
