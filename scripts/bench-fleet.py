#!/usr/bin/env python3
"""make bench-fleet: one Prometheus scraping a simulated fleet (examples/fleet-sim.rs) every 60 s,
remote-writing to a central Prometheus that evaluates the shipped rules; at 1,000 and 10,000
connectors. Writes bench/fleet.md. CPU-heavy: run it once, on a machine nobody else is timing on.

Measured per size: series per connector, RSS and CPU of both Prometheus processes per 1,000
connectors, every fleet dashboard query over the last 6 h (p50 and worst of several runs, with the
recording rules and without), rule group evaluation time, and remote-write lag from scrape to
queryable at the central store. The run is short (MINUTES of data, not 6 h): the table says so.
"""

import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [int(s) for s in os.environ.get("FLEET_SIZES", "1000,10000").split(",")]
MINUTES = float(os.environ.get("FLEET_MINUTES", "8"))
REPEAT = 5
JOB = "connector-exporter"
SIM = os.path.join(ROOT, "target", "release", "examples", "fleet-sim")
DASHBOARD = os.path.join(ROOT, "dashboards", "fleet-overview.json")
RULES_DIR = os.path.join(ROOT, "alerts")
FLEET_RULES = os.path.join(ROOT, "deploy", "fleet")
# "central": site scrapers forward everything and the central store evaluates every rule.
# "sites": each site's Prometheus evaluates deploy/fleet/site.rules.yml over its own connectors
# and the central store only deploy/fleet/central.rules.yml (docs/scale.md).
LAYOUTS = os.environ.get("FLEET_LAYOUTS", "central,sites").split(",")
SITES = 10


def get(addr, path):
    with urllib.request.urlopen(f"http://{addr}{path}", timeout=120) as r:
        return json.load(r)


def query(addr, expr, **params):
    q = urllib.parse.urlencode({"query": expr, **params})
    kind = "query_range" if "step" in params else "query"
    return get(addr, f"/api/v1/{kind}?{q}")


def scalar(addr, expr):
    res = query(addr, expr)["data"]["result"]
    return float(res[0]["value"][1]) if res else float("nan")


def wait_ready(addr, proc, log):
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"process exited:\n{open(log).read()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://{addr}/-/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.2)
    sys.exit(f"not ready: {addr}")


def proc_stats(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmRSS:"))
    return cpu, rss


def free_port():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def dashboard_queries(variant):
    """Every fleet dashboard query with Grafana's variables filled in for a 6 h range."""
    dash = json.load(open(DASHBOARD))
    values = {
        "job": ".+",
        "instance": ".+",
        "site": ".*",
        "remote_network": ".*",
        "__rate_interval": "240s",
        "__interval": "60s",
        "__range": "21600s",
        "__range_s": "21600",
    }
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") == "custom" and var.get("name") == "rules":
            values["rules"] = ".*" if variant == "recorded" else ".+"

    def fill(expr):
        def sub(m):
            name = (m.group(1) or m.group(2)).split(":")[0]
            return values.get(name, ".+")

        return re.sub(r"\$\{([^}]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)", sub, expr)

    out = []

    def walk(panels):
        for p in panels or []:
            for t in p.get("targets", []):
                if "expr" in t:
                    instant = t.get("instant") is True and t.get("range") is not True
                    out.append((p.get("title", "?"), fill(t["expr"]), instant))
            walk(p.get("panels"))

    walk(dash.get("panels"))
    return out


def time_query(addr, expr, instant, now):
    params = {"time": now} if instant else {"start": now - 21600, "end": now, "step": 60}
    took = []
    for _ in range(REPEAT):
        t0 = time.monotonic()
        body = query(addr, expr, **params)
        took.append(time.monotonic() - t0)
        if body.get("status") != "success":
            raise RuntimeError(f"{expr}: {body}")
    return statistics.median(took), max(took)


def run(n, layout, work):
    sd = os.path.join(work, "sd")
    os.makedirs(sd)
    sim_port, central_port = free_port(), free_port()
    procs = []

    def spawn(name, args):
        log = os.path.join(work, f"{name}.log")
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
        procs.append(p)
        return p, log

    def rules_dir(name, files):
        d = os.path.join(work, name)
        os.makedirs(d)
        for f in files:
            shutil.copy(f, d)
        return d

    try:
        sim, _ = spawn("sim", [SIM, "--connectors", str(n), "--sites", str(SITES), "--seed", "1",
                               "--listen", f"127.0.0.1:{sim_port}", "--file-sd-dir", sd])
        for _ in range(300):
            if len([f for f in os.listdir(sd) if f.endswith(".json")]) >= SITES:
                break
            time.sleep(0.2)
        if layout == "central":
            central_rules = rules_dir("central-rules", [
                os.path.join(RULES_DIR, f) for f in os.listdir(RULES_DIR)
                if f.startswith("connector-exporter") and f.endswith(".yml")])
            # One scraper for the whole fleet, evaluating nothing.
            scrapers = [("bench-site", os.path.join(sd, "*.json"), None)]
        else:
            central_rules = rules_dir("central-rules", [os.path.join(FLEET_RULES, "central.rules.yml")])
            site_rules = rules_dir("site-rules", [os.path.join(FLEET_RULES, "site.rules.yml")])
            scrapers = [(f"bench-{f[:-5]}", os.path.join(sd, f), site_rules)
                        for f in sorted(os.listdir(sd)) if f.endswith(".json")]
        central_cfg = os.path.join(work, "central.yml")
        open(central_cfg, "w").write(
            f"global:\n  evaluation_interval: 60s\nrule_files:\n  - {central_rules}/*.yml\n")
        central_addr = f"127.0.0.1:{central_port}"
        central, clog = spawn("central", [
            "prometheus", f"--config.file={central_cfg}", f"--web.listen-address={central_addr}",
            f"--storage.tsdb.path={work}/central-data", "--web.enable-remote-write-receiver"])
        wait_ready(central_addr, central, clog)
        running = []
        for name, files, rules in scrapers:
            cfg = os.path.join(work, f"{name}.yml")
            rule_files = f"rule_files: [\"{rules}/*.yml\"]\n" if rules else ""
            open(cfg, "w").write(f"""global:
  scrape_interval: 60s
  scrape_timeout: 10s
  evaluation_interval: 60s
  external_labels: {{prometheus: {name}}}
{rule_files}scrape_configs:
  - job_name: {JOB}
    file_sd_configs: [{{files: ["{files}"]}}]
remote_write:
  - url: http://{central_addr}/api/v1/write
    queue_config: {{capacity: 10000, max_shards: 10, max_samples_per_send: 2000, batch_send_deadline: 5s}}
""")
            addr = f"127.0.0.1:{free_port()}"
            proc, log = spawn(name, [
                "prometheus", f"--config.file={cfg}", f"--web.listen-address={addr}",
                f"--storage.tsdb.path={work}/{name}-data"])
            running.append((name, addr, proc, log))
        for _, addr, proc, log in running:
            wait_ready(addr, proc, log)
        started = time.monotonic()
        # Wait for one full scrape round of every target to reach the central store.
        while not scalar(central_addr, f'count(up{{job="{JOB}"}})') >= n:
            time.sleep(2)
        while time.monotonic() - started < 75:
            time.sleep(2)
        watched = [p for _, _, p, _ in running] + [central]
        cpu0 = {p.pid: proc_stats(p.pid)[0] for p in watched}
        t0 = time.monotonic()
        lags = []
        rule_times = {}
        deadline = started + MINUTES * 60
        sel = 'timestamp(up{instance=~"conn-[a-z]+1-00000:10150"})'
        # The scraper that has the probed target (NaN elsewhere).
        lag_addr = next((a for _, a, _, _ in running if not math.isnan(scalar(a, f"max({sel})"))),
                        running[0][1])
        last_seen = None
        while time.monotonic() < deadline:
            # Lag: when a scraper's newest sample of one target appears at the central store.
            s = scalar(lag_addr, f"max({sel})")
            if s == s and s != last_seen:
                last_seen = s
                t_s = time.time()
                while time.time() - t_s < 60:
                    c = scalar(central_addr, f"max({sel})")
                    if c == c and c >= s:
                        lags.append(time.time() - s)
                        break
                    time.sleep(0.2)
            evaluators = [("central", central_addr)]
            if layout == "sites":
                evaluators += [("site", a) for _, a, _, _ in running]
            for where, addr in evaluators:
                for g in get(addr, "/api/v1/rules")["data"]["groups"]:
                    rule_times.setdefault(f"{where}: {g['name']}", []).append(g["evaluationTime"])
            time.sleep(5)
        elapsed = time.monotonic() - t0
        result = {"n": n, "layout": layout, "scrapers": len(running),
                  "minutes": (time.monotonic() - started) / 60}
        stats = {p.pid: proc_stats(p.pid) for p in watched}
        result["scraper"] = {
            "rss": sum(stats[p.pid][1] for _, _, p, _ in running),
            "cpu": sum(stats[p.pid][0] - cpu0[p.pid] for _, _, p, _ in running) / elapsed}
        result["central"] = {"rss": stats[central.pid][1],
                             "cpu": (stats[central.pid][0] - cpu0[central.pid]) / elapsed}
        # Neither Prometheus scrapes itself: the head's series come from the TSDB status API.
        head = sum(get(a, "/api/v1/status/tsdb")["data"]["headStats"]["numSeries"] for _, a, _, _ in running)
        result["series_per_connector"] = head / n
        result["scraped_per_connector"] = scalar(
            central_addr, f'sum(scrape_samples_scraped{{job="{JOB}"}})') / n + 5
        result["central_series"] = get(central_addr, "/api/v1/status/tsdb")["data"]["headStats"]["numSeries"]
        result["lag"] = lags
        result["rules"] = {k: max(v) for k, v in rule_times.items()}
        now = time.time()
        result["queries"] = {}
        for variant in ("raw", "recorded"):
            for title, expr, instant in dashboard_queries(variant):
                result["queries"].setdefault(variant, []).append(
                    (title, expr, instant, *time_query(central_addr, expr, instant, now)))
        return result
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()


def ms(s):
    return f"{s * 1000:.0f}"


def column(r):
    return f"{r['n']:,}, rules at {r.get('layout', 'central')}"


def report(results):
    lines = [
        "# Fleet benchmark (`make bench-fleet`)",
        "",
        "The simulated fleet (`examples/fleet-sim.rs`, release build, seed 1, 10 sites) is scraped",
        "every 60 s by Prometheus (2.42, Debian) and remote-written to a central Prometheus with",
        "`--web.enable-remote-write-receiver`, in two layouts (docs/scale.md):",
        "",
        "- **rules at central**: one scraper forwards everything; the central store evaluates every",
        "  group of `alerts/connector-exporter.rules.yml`;",
        "- **rules at sites**: one Prometheus per site scrapes its own connectors and evaluates",
        "  `deploy/fleet/site.rules.yml`; the central store evaluates only",
        "  `deploy/fleet/central.rules.yml`.",
        "",
        "The dashboard queries run against the central store over the last 6 h at a 60 s step, "
        f"{REPEAT} times each.",
        "",
        "**Data held**: each run lasts the minutes shown, so the 6 h range holds that much data, not",
        "6 h: range-query times grow with samples in range and are a lower bound for a full 6 h.",
        "Everything (simulator, every Prometheus) shares one 2-core machine; numbers vary run to run.",
        "",
        "| connectors | rules at | scrapers | minutes of data | series per connector (head / scraped+5) | scrapers' RSS per 1,000 | scrapers' CPU per 1,000 | central RSS per 1,000 | central CPU per 1,000 | remote-write lag p50 / worst |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        k = r["n"] / 1000
        lag = sorted(r["lag"])
        lag_text = f"{statistics.median(lag):.1f} s / {max(lag):.1f} s" if lag else "–"
        head = r["series_per_connector"]
        head_text = f"{head:.1f}" if head == head else "–"
        lines.append(
            f"| {r['n']:,} | {r.get('layout', 'central')} | {r.get('scrapers', 1)} | {r['minutes']:.1f} "
            f"| {head_text} / {r['scraped_per_connector']:.1f} "
            f"| {r['scraper']['rss'] / k / 2**20:.0f} MiB | {100 * r['scraper']['cpu'] / k:.1f} % of a core "
            f"| {r['central']['rss'] / k / 2**20:.0f} MiB | {100 * r['central']['cpu'] / k:.1f} % of a core | {lag_text} |")
    lines += ["", "Remote-write lag is from the scrape timestamp to queryable at the central store (it"
              " includes up to `batch_send_deadline`, 5 s).", "",
              "## Rule groups (worst evaluation time seen; for sites, the worst site)", "",
              "| where: group | " + " | ".join(column(r) for r in results) + " |",
              "|---|" + "---|" * len(results)]

    def where(g):
        return g if ": " in g else f"central: {g}"

    times = [{where(k): v for k, v in r["rules"].items()} for r in results]
    for g in sorted({g for t in times for g in t}):
        cells = [f"{ms(t[g])} ms" if g in t else "–" for t in times]
        lines.append(f"| {g} | " + " | ".join(cells) + " |")
    for variant in ("raw", "recorded"):
        lines += ["", f"## Fleet dashboard queries, {'with the recording rules' if variant == 'recorded' else 'raw series (no recording rules)'}: ms p50 / worst", "",
                  "| panel | query | " + " | ".join(column(r) for r in results) + " |",
                  "|---|---|" + "---|" * len(results)]
        rows = {}
        for i, r in enumerate(results):
            for title, expr, instant, p50, worst in r["queries"].get(variant, []):
                rows.setdefault((title, expr, instant), {})[i] = f"{ms(p50)} / {ms(worst)}"
        for (title, expr, instant), cells in rows.items():
            short = expr if len(expr) < 90 else expr[:87] + "…"
            short = short.replace("|", "\\|")
            lines.append(f"| {title} | `{short}`{' (instant)' if instant else ''} | "
                         + " | ".join(cells.get(i, "–") for i in range(len(results))) + " |")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--report":
        # Rewrites bench/fleet.md from bench/fleet.json without running anything.
        results = json.load(open(os.path.join(ROOT, "bench", "fleet.json")))
        open(os.path.join(ROOT, "bench", "fleet.md"), "w").write(report(results))
        return
    subprocess.run(["cargo", "build", "--release", "--example", "fleet-sim"], cwd=ROOT, check=True)
    results = []
    # FLEET_RUNS=N:LAYOUT,... picks runs; by default every size in every layout.
    runs = [(int(r.split(":")[0]), r.split(":")[1]) for r in os.environ["FLEET_RUNS"].split(",")] \
        if os.environ.get("FLEET_RUNS") else [(n, l) for n in SIZES for l in LAYOUTS]
    for n, layout in runs:
        work = tempfile.mkdtemp(prefix=f"bench-fleet-{n}-{layout}-")
        try:
            print(f"{n} connectors, rules at {layout}, {MINUTES} min ...", file=sys.stderr)
            results.append(run(n, layout, work))
            json.dump(results, open(os.path.join(ROOT, "bench", "fleet.json"), "w"), indent=1)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    open(os.path.join(ROOT, "bench", "fleet.md"), "w").write(report(results))
    print(open(os.path.join(ROOT, "bench", "fleet.md")).read())


if __name__ == "__main__":
    main()
