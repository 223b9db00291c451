// Exporter alerts: whether Prometheus gets the exporter's results, and whether they are fresh.
local u = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    local level = u.level(c.groupingLabels),
    groups+: [{
      name: c.ruleGroupPrefix + '.exporter',
      rules: [
        // A target Prometheus still knows but cannot scrape. Without the exporter nothing about
        // its connector can fire, yet the connector itself may be fine: the network alerts
        // count it as not known to be up, and they page when that leaves a remote network
        // without a connector. Hence a warning here.
        u.alert(c, {
          alert: 'ConnectorExporterDown',
          expr: 'up{%(exporterSelector)s} == 0' % c,
          'for': '5m',
          severity: 'warning',
          summary: 'Connector exporter is down',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): Prometheus cannot scrape the exporter, so
            the connector's clock offset, STUN results and up/down state are unknown; the host
            itself may be down.
          |||,
        }),

        // Under service discovery (Kubernetes, Consul, cloud) a dead host's target vanishes
        // instead of going up == 0, and ConnectorExporterDown never fires. So count the targets
        // per group and compare with the fewest there were in the window before the last one:
        // fewer now means some are gone from discovery. The minimum, not the maximum, so that
        // a rolling update that briefly runs a new pod next to the old one does not set a
        // count the group never really had. A drop shows for one window, after which it is the
        // new normal (a deliberate scale-down warns for that long too).
        u.alert(c, {
          alert: 'ConnectorExporterTargetsMissing',
          expr: |||
            min_over_time(%(level)s:connector_exporter_up:count[%(window)s] offset %(window)s)
              -
            (%(level)s:connector_exporter_up:count or 0 * min_over_time(%(level)s:connector_exporter_up:count[%(window)s] offset %(window)s))
              > 0
          ||| % { level: level, window: c.exporterAbsenceWindow },
          'for': '5m',
          severity: 'warning',
          summary: 'Connector exporter targets disappeared',
          perConnector: false,
          description: |||
            {{ $value | printf "%.0f" }} of the connector exporter targets
            seen<<group>> <<window>> ago are gone: Prometheus no longer discovers them, so
            their connectors are not watched. A host or pod was removed, or service discovery
            lost it.
          |||,
        } + { description: std.strReplace(super.description, '<<window>>', c.exporterAbsenceWindow) }),

        // The clock and stun probes have their own alerts with better advice; this covers the
        // rest (connector, host), whose failure leaves their series absent and their alerts
        // blind.
        u.alert(c, {
          alert: 'ConnectorExporterProbeFailing',
          expr: 'connector_probe_success{%(exporterSelector)s,probe!~"clock|stun"} == 0' % c,
          'for': '15m',
          severity: 'warning',
          summary: 'Connector exporter probe is failing',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): the exporter's {{ $labels.probe }} probe
            keeps failing (recent failures:
            {{ range $i, $s := printf `increase(connector_probe_failures_total{instance=%q,job=%q,probe=%q}[15m]) > 0` $labels.instance $labels.job $labels.probe | query | sortByLabel "reason" }}{{ if $i }}, {{ end }}{{ $s.Labels.reason }}{{ else }}none recorded{{ end }}),
            so the metrics it produces are missing.
          |||,
        }),

        // A stuck sampler keeps serving its last results, which look healthy. Failing probes
        // are left to the alerts above. The timestamp comes from the connector host's clock,
        // which may be far off (that is what this exporter watches), so "old" also requires
        // that it has not moved at all in the window: a host clock that is behind cannot fake
        // staleness.
        u.alert(c, {
          alert: 'ConnectorExporterProbeStale',
          expr: |||
            (
              (time() - connector_probe_last_success_timestamp_seconds{%(exporterSelector)s} > 900)
                and
              changes(connector_probe_last_success_timestamp_seconds{%(exporterSelector)s}[15m]) == 0
            )
              unless
            connector_probe_success{%(exporterSelector)s} == 0
          ||| % c,
          'for': '5m',
          severity: 'warning',
          summary: 'Connector exporter probe results are stale',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): the exporter's {{ $labels.probe }} probe
            last succeeded {{ $value | humanizeDuration }} ago and has not run since, yet the
            exporter still answers scrapes: its {{ $labels.probe }} metrics are stale.
          |||,
        }),
      ],
    }],
  },
}
