#!/usr/bin/env bash
# make bench: connector-exporter side by side with prometheus-node-exporter
# and a bare hyper baseline, in one run on this machine. All traffic stays on
# loopback; every load is bounded in time or count.
#
# Prints one table and writes it to bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-60}
EXPORTER_PORT=${BENCH_EXPORTER_PORT:-19150}
BASELINE_PORT=${BENCH_BASELINE_PORT:-19151}
NODE_PORT=${BENCH_NODE_PORT:-19152}
STUN_PORT=${BENCH_STUN_PORT:-19478}
NTP_ADDR=${BENCH_NTP_ADDR:-127.0.0.1:19123}

need() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  [ -x /usr/bin/prometheus-node-exporter ] || missing+=(prometheus-node-exporter)
  command -v turnserver >/dev/null || missing+=(coturn)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
need

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench: building release binaries" >&2
cargo build --release --locked --bin connector-exporter --example baseline --example ntp-test-server >&2
bin=target/release/connector-exporter

wait_http() { # url
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: $1 did not answer" >&2
  return 1
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# Loopback peers the exporter's probes talk to.
touch "$work/turn.conf"
turnserver -c "$work/turn.conf" --stun-only --no-auth -L 127.0.0.1 -L 127.0.0.2 -p "$STUN_PORT" \
  --alt-listening-port $((STUN_PORT + 1)) --no-tls --no-dtls --no-cli --no-tcp \
  --log-file stdout --simple-log --pidfile "$work/turn.pid" --userdb "$work/turn.db" >/dev/null 2>&1 &
pids+=($!)
target/release/examples/ntp-test-server "$NTP_ADDR" >/dev/null 2>&1 &
pids+=($!)
cp /bin/sleep "$work/twingate-connector"
"$work/twingate-connector" 100000 &
pids+=($!)

"$bin" --web.listen-address="127.0.0.1:$EXPORTER_PORT" --log.level=warn \
  --clock.server="$NTP_ADDR" --stun.server="127.0.0.1:$STUN_PORT" \
  --connector.process="$work/twingate-connector" >"$work/exporter.log" 2>&1 &
exporter=$!
pids+=($exporter)
wait_http "http://127.0.0.1:$EXPORTER_PORT/-/ready"
curl -fsS "http://127.0.0.1:$EXPORTER_PORT/metrics" >"$work/body.txt"

target/release/examples/baseline "127.0.0.1:$BASELINE_PORT" "$work/body.txt" &
baseline=$!
pids+=($baseline)
/usr/bin/prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_PORT" \
  --collector.disable-defaults --collector.time --collector.timex --web.max-requests=0 \
  >"$work/node.log" 2>&1 &
node=$!
pids+=($node)
wait_http "http://127.0.0.1:$BASELINE_PORT/metrics"
wait_http "http://127.0.0.1:$NODE_PORT/metrics"
sleep 1

declare -A rps p50 p99 rss_idle rss_load size
for who in exporter baseline node; do
  case $who in
    exporter) port=$EXPORTER_PORT pid=$exporter ;;
    baseline) port=$BASELINE_PORT pid=$baseline ;;
    node) port=$NODE_PORT pid=$node ;;
  esac
  size[$who]=$(curl -fsS "http://127.0.0.1:$port/metrics" | wc -c)
  rss_idle[$who]=$(rss_kib "$pid")
  echo "bench: wrk against $who ($CONNECTIONS connections, $DURATION)" >&2
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/metrics")
  rps[$who]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
  p50[$who]=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99[$who]=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  rss_load[$who]=$(hwm_kib "$pid")
done

# Growth: RSS after 1,000 scrapes against after 100,000. curl's URL
# globbing makes exactly that many requests over one kept-alive connection;
# the exporter ignores the query string.
scrapes() { # from to
  curl -fsS -o /dev/null "http://127.0.0.1:$EXPORTER_PORT/metrics?n=[$1-$2]"
}
scrapes 1 1000
rss_1k=$(rss_kib "$exporter")
scrapes 1001 100000
rss_100k=$(rss_kib "$exporter")

echo "bench: idle CPU over ${IDLE_SECONDS}s with default intervals" >&2
# A fresh exporter with default intervals (the one above ran under load).
"$bin" --web.listen-address="127.0.0.1:$((EXPORTER_PORT + 10))" --log.level=warn \
  --clock.server="$NTP_ADDR" --stun.server="127.0.0.1:$STUN_PORT" \
  --connector.process="$work/twingate-connector" >/dev/null 2>&1 &
idle=$!
pids+=($idle)
wait_http "http://127.0.0.1:$((EXPORTER_PORT + 10))/-/ready"
ticks_hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$idle")
sleep "$IDLE_SECONDS"
t1=$(cpu_ticks "$idle")
idle_cpu=$(awk -v d=$((t1 - t0)) -v hz="$ticks_hz" -v s="$IDLE_SECONDS" 'BEGIN {printf "%.3f", 100 * d / hz / s}')
node_idle0=$(cpu_ticks "$node")
binary_bytes=$(stat -c %s "$bin")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
mkdir -p bench
{
  echo "# make bench — $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), wrk -t2 -c$CONNECTIONS -d$DURATION"
  echo
  echo "| | connector-exporter | baseline (bare hyper) | node_exporter | exporter/baseline | exporter/node |"
  echo "|---|---|---|---|---|---|"
  echo "| response size (bytes) | ${size[exporter]} | ${size[baseline]} | ${size[node]} | | |"
  echo "| requests/s | ${rps[exporter]} | ${rps[baseline]} | ${rps[node]} | $(ratio "${rps[exporter]}" "${rps[baseline]}") | $(ratio "${rps[exporter]}" "${rps[node]}") |"
  echo "| p50 latency (ms) | ${p50[exporter]} | ${p50[baseline]} | ${p50[node]} | $(ratio "${p50[exporter]}" "${p50[baseline]}") | $(ratio "${p50[exporter]}" "${p50[node]}") |"
  echo "| p99 latency (ms) | ${p99[exporter]} | ${p99[baseline]} | ${p99[node]} | $(ratio "${p99[exporter]}" "${p99[baseline]}") | $(ratio "${p99[exporter]}" "${p99[node]}") |"
  echo "| RSS idle (MiB) | $(mib "${rss_idle[exporter]}") | $(mib "${rss_idle[baseline]}") | $(mib "${rss_idle[node]}") | | $(ratio "${rss_idle[exporter]}" "${rss_idle[node]}") |"
  echo "| RSS peak under load (MiB) | $(mib "${rss_load[exporter]}") | $(mib "${rss_load[baseline]}") | $(mib "${rss_load[node]}") | | $(ratio "${rss_load[exporter]}" "${rss_load[node]}") |"
  echo "| RSS after 1,000 / 100,000 scrapes (MiB) | $(mib "$rss_1k") / $(mib "$rss_100k") | | | | |"
  echo "| idle CPU, default intervals (% of one core) | $idle_cpu | | | | |"
  echo "| release binary (MiB) | $(mib $((binary_bytes / 1024))) | | | | |"
} | tee bench/results.md
: "$node_idle0"
