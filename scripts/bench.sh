#!/usr/bin/env bash
# Benchmark: side by side with node_exporter (see README). Not yet written.
echo "make bench: will measure requests/s, p50/p99 latency, RSS idle and under load, idle CPU, binary size against prometheus-node-exporter and a bare hyper baseline"
