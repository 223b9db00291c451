// Connector alerts: whether the connector process on this host runs.
local u = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    groups+: [{
      name: c.ruleGroupPrefix + '.connector',
      rules: [
        // One connector down. Its remote network's other connectors carry its clients, so this
        // is a warning; the page is ConnectorRemoteNetworkDown, and while a network-wide alert
        // fires Alertmanager holds this one back (see alerts/alertmanager.example.yml). `for`
        // rides out an ordinary restart or upgrade, and is longer than the network alerts' so
        // that they are already firing when this one reaches Alertmanager. connector_up is
        // absent, not 0, when nothing ever saw the connector: that is ConnectorNotFound.
        u.alert(c, {
          alert: 'ConnectorDown',
          expr: 'connector_up{%(exporterSelector)s} == 0' % c,
          'for': '5m',
          severity: 'warning',
          summary: 'Connector is down',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): the connector is not running
            {{- with printf `time() - connector_state_change_timestamp_seconds{instance=%q,job=%q}` $labels.instance $labels.job | query }}
            and has been down for {{ . | first | value | humanizeDuration }}
            {{- end }}.
          |||,
        }),

        // No source (process, systemd unit, metrics URL) has seen the connector since the
        // exporter started: almost always a wrong --connector.process or unit name, not an
        // outage, so a warning that says so instead of ConnectorDown.
        u.alert(c, {
          alert: 'ConnectorNotFound',
          expr: |||
            sum without (probe, reason) (increase(connector_probe_failures_total{%(exporterSelector)s,probe="connector",reason="not_found"}[5m])) > 0
              unless
            connector_up{%(exporterSelector)s}
          ||| % c,
          'for': '10m',
          severity: 'warning',
          summary: 'No connector has been seen on this host',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): no process by that name: nothing the
            exporter looks at (process name, systemd unit, metrics URL) has seen a connector
            since it started, so its up/down state is unknown. Check --connector.process (and
            --connector.systemd-unit) against the name the connector really runs under.
          |||,
        }),

        // A restart loop can keep ConnectorDown quiet (each run is short) while clients keep
        // losing their sessions. Restarts catch fast loops the up/down sampling misses; state
        // changes catch loops where the process stays but the connector goes up and down.
        u.alert(c, {
          alert: 'ConnectorFlapping',
          expr: |||
            (increase(connector_restarts_total{%(exporterSelector)s}[30m]) >= 3)
              or
            (changes(connector_state_change_timestamp_seconds{%(exporterSelector)s}[30m]) >= 4)
          ||| % c,
          severity: 'warning',
          summary: 'Connector is flapping',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): in the last 30 minutes the connector
            restarted
            {{ with printf `increase(connector_restarts_total{instance=%q,job=%q}[30m])` $labels.instance $labels.job | query }}{{ . | first | value | printf "%.0f" }}{{ else }}an unknown number of{{ end }}
            times and went up or down
            {{ with printf `changes(connector_state_change_timestamp_seconds{instance=%q,job=%q}[30m])` $labels.instance $labels.job | query }}{{ . | first | value | printf "%.0f" }}{{ else }}an unknown number of{{ end }}
            times; it is probably in a restart loop.
          |||,
        }),
      ],
    }],
  },
}
