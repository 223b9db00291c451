// Recording rules the fleet alerts and dashboards read: per-group counts, so that the alerts
// compare small series instead of aggregating every connector's series at each evaluation.
local u = import '../lib/utils.libsonnet';

{
  prometheusRules+:: {
    local c = $._config,
    local network = [c.remoteNetworkLabel],
    groups+: [{
      name: c.ruleGroupPrefix + '.fleet.rules',
      rules: [
        // Connectors up per remote network. A network whose connectors were all seen within
        // the last hour but none now (every exporter gone too) counts 0, not absent, so that
        // ConnectorRemoteNetworkDown still fires.
        {
          record: '%s:connector_up:sum' % u.level(network),
          expr: |||
            sum %(by)s (connector_up{%(sel)s})
              or
            0 * group %(by)s (last_over_time(connector_up{%(sel)s}[1h]))
          ||| % { by: u.by(network), sel: c.exporterSelector },
        },
        // Exporter targets per group, up or not: what service discovery currently knows.
        {
          record: '%s:connector_exporter_up:count' % u.level(c.groupingLabels),
          expr: 'count %s (up{%s})' % [u.by(c.groupingLabels), c.exporterSelector],
        },
      ],
    }],
  },
}
