// Fleet alerts: one alert per remote network or group where the cause is shared, so that a
// network-wide problem is one notification, not one per connector. Alertmanager inhibits the
// per-connector alerts they stand for (alerts/alertmanager.example.yml).
local u = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    local network = [c.remoteNetworkLabel],
    local upByNetwork = '%s:connector_up:sum' % u.level(network),
    // The per-connector rule's expression, so the group alert counts exactly what it fires on.
    local exprOf(name) = [
      r.expr
      for g in $.prometheusAlerts.groups
      for r in g.rules
      if std.get(r, 'alert') == name
    ][0],
    // `name`Widespread: at least widespreadMinConnectors connectors of one group match `name`.
    local widespread(name, a) = u.alert(c, a {
      alert: name + 'Widespread',
      expr: 'count %s (\n%s\n) >= %d\n' % [
        u.by(c.groupingLabels),
        std.join('\n', ['  ' + l for l in std.split(std.stripChars(exprOf(name), '\n'), '\n')]),
        c.widespreadMinConnectors,
      ],
      perConnector: false,
    }),
    // Which connectors of the alert's remote network are down, for the description.
    local downList =
      '{{ range $i, $s := printf `connector_up{%s,%s=%%q} == 0` $labels.%s | query | sortByLabel "instance" }}{{ if $i }}, {{ end }}{{ $s.Labels.instance }}{{ else }}none{{ end }}' % [c.exporterSelector, c.remoteNetworkLabel, c.remoteNetworkLabel],

    groups+: [{
      name: c.ruleGroupPrefix + '.fleet',
      rules: [
        // Connectors of one remote network stand in for each other. Below the minimum, one
        // more failure takes the network's resources offline: warn, and hold back the
        // per-connector ConnectorDown and ConnectorExporterDown of that network.
        u.alert(c, {
          alert: 'ConnectorRedundancyLost',
          // Only where the remote network is known: a target without the label is one
          // connector on its own, and a single-connector site would warn forever.
          expr: '%s{%s!=""} < %d' % [upByNetwork, c.remoteNetworkLabel, c.minConnectorsPerRemoteNetwork],
          'for': '2m',
          severity: 'warning',
          summary: 'Remote network has lost connector redundancy',
          perConnector: false,
          groupBy: network,
          description: |||
            {{ $value | printf "%.0f" }} connector(s) known to be up<<group>>, fewer than
            <<min>>: one more failure takes its resources offline. Down: <<down>>.
          |||,
        } + {
          description: std.strReplace(std.strReplace(super.description, '<<min>>', std.toString(c.minConnectorsPerRemoteNetwork)), '<<down>>', downList),
        }),

        // No connector of the remote network is known to be up: its resources are offline for
        // every client. This is the page.
        u.alert(c, {
          alert: 'ConnectorRemoteNetworkDown',
          expr: '%s == 0' % upByNetwork,
          'for': '2m',
          severity: 'critical',
          summary: 'No connector of the remote network is up',
          perConnector: false,
          groupBy: network,
          description: |||
            No connector is known to be up<<group>>, so its resources are unreachable. Down:
            <<down>>; the others' exporters cannot be scraped.
          |||,
        } + {
          description: std.strReplace(super.description, '<<down>>', downList),
        }),

      ],
    }, {
      // Per group of `groupingLabels` (remote network and site by default): with `site` among
      // them, each site's Prometheus can evaluate these over its own connectors
      // (siteRuleGroups, docs/scale.md), unlike the remote-network alerts above, which need
      // every site of the network.
      name: c.ruleGroupPrefix + '.widespread',
      rules: [
        // Many connectors of one group beyond the tolerance at once: the reference servers or
        // the path to them, not each host. One page for the group.
        widespread('ConnectorClockOffsetBeyondTolerance', {
          'for': c.clockCriticalFor,
          severity: 'critical',
          summary: "Many connectors' clocks are beyond the controller's tolerance",
          description: |||
            {{ $value | printf "%.0f" }} connectors<<group>> have clock offsets beyond the
            controller's tolerance at once: a shared cause is likely (the reference servers,
            the path to them, or a time source these hosts share).
          |||,
        }),

        // Many connectors without a reference at once: an NTP outage or a firewall change.
        widespread('ConnectorClockNoReference', {
          'for': '10m',
          severity: 'warning',
          summary: 'Many connectors have no reference time',
          description: |||
            {{ $value | printf "%.0f" }} connectors<<group>> get no answer from their
            reference time servers at once: the servers or the path to them (UDP 123, a
            firewall change) is the likely cause, not the hosts.
          |||,
        }),

        // Many connectors failing STUN at once: the STUN servers or outbound UDP from the site.
        widespread('ConnectorStunFailing', {
          'for': '10m',
          severity: 'warning',
          summary: 'STUN discovery fails for many connectors',
          description: |||
            {{ $value | printf "%.0f" }} connectors<<group>> get no STUN answers at once: the
            STUN servers or outbound UDP from the site is the likely cause, not the hosts.
            Their clients' traffic is relayed.
          |||,
        }),
      ],
    }],
  },
}
