#!/usr/bin/env bash
# Store writes through the event-bus API (groups of 1 and 3, 1 and 16 clients: writes/s, p50, p99, writes per Raft
# entry, CPU per write; each after WARMUP_SECONDS=15 of the same writes, not counted) and
# failover over 20 leader kills (the fault test), beside Docker Swarm's rate of POST /secrets/create on the
# local engine with 1 and 16 clients. The Swarm part runs only when the engine's swarm is inactive: it is
# initialised on 127.0.0.1:12377 and left right after.
#   bench/store.sh            (SECONDS_EACH=10 WARMUP_SECONDS=15)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${SECONDS_EACH:-10}"
warmup="${WARMUP_SECONDS:-15}"
cd "$root"

echo "## Enxame store (event-bus API), $(date -u '+%F %H:%M UTC'), load: $(uptime | sed 's/.*load/load/')"
./mvnw -o -q -B verify -pl services/raft-manager -am -Dtest=StoreBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Denxame.bench.seconds="$seconds" -Denxame.bench.warmup="$warmup" 2>&1 | grep '^|'

# Right after the store's rates, so that both sides see the same load on a shared machine.
echo "## Docker Swarm POST /secrets/create, load: $(uptime | sed 's/.*load/load/')"
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "inactive" ]; then
  echo "skipped: the engine's swarm is not inactive (someone else is using it)"
else (
docker swarm init --listen-addr 127.0.0.1:12377 --advertise-addr 127.0.0.1:12377 >/dev/null
trap 'docker swarm leave --force >/dev/null' EXIT
python3 - "$seconds" <<'PY'
import http.client, json, socket, sys, threading, time, uuid
seconds = int(sys.argv[1])
class Unix(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect("/var/run/docker.sock")
print("| clients | secrets/s | p50 ms | p99 ms |"); print("|---|---|---|---|")
for clients in (1, 16):
    lat, end = [], time.monotonic() + seconds
    def run():
        c = Unix("localhost")
        while time.monotonic() < end:
            body = json.dumps({"Name": "bench-" + uuid.uuid4().hex, "Data": "c2VjcmV0LXZhbHVl"})
            t0 = time.monotonic()
            c.request("POST", "/v1.41/secrets/create", body, {"Content-Type": "application/json"})
            r = c.getresponse(); r.read()
            if r.status == 201: lat.append(time.monotonic() - t0)
    ts = [threading.Thread(target=run) for _ in range(clients)]
    [t.start() for t in ts]; [t.join() for t in ts]
    lat.sort()
    print("| %d | %.0f | %.2f | %.2f |" % (clients, len(lat) / seconds, lat[len(lat)//2] * 1e3, lat[int(len(lat)*0.99)] * 1e3))
PY
) fi

echo "## Enxame store failover (StoreFaultIT), load: $(uptime | sed 's/.*load/load/')"
./mvnw -o -q -B verify -pl services/raft-manager -am -Dtest=StoreFaultIT -Dsurefire.failIfNoSpecifiedTests=false \
  -Denxame.fault.kills=20 2>&1 | grep '^fault test'
