// The fleet's direct share per group (site): direct bytes / all bytes over trafficFleetWindow,
// summed over the group's connectors, so a site's share weighs each connector by its traffic.
// Absent where nothing moved (no 0/0 NaN).
local u = import '../lib/utils.libsonnet';

{
  prometheusRules+:: {
    local c = $._config,
    local rate(extra) =
      'sum %s (rate(%s[%s]))'
      % [u.by(c.groupingLabels), u.sel(c, 'connector_traffic_bytes_total', extra), c.trafficFleetWindow],
    groups+: [{
      name: c.ruleGroupPrefix + '.traffic.rules',
      rules: [
        {
          record: '%s:connector_traffic_direct_ratio:ratio_rate%s' % [u.level(c.groupingLabels), c.trafficFleetWindow],
          expr: |||
            %s
              /
            (%s > 0)
          ||| % [rate('transport="direct"'), rate('')],
        },
      ],
    }],
  },
}
