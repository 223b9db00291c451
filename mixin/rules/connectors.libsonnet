// Recording rules for the fleet dashboard's heavy panels: each is one small series per group
// (the grouping labels) instead of every connector's series at every step of a range query.
// Sums and counts rather than averages, so that groups add up: a share across sites is
// sum(…:sum) / sum(…:count), never an average of averages. docs/scale.md measures them.
local u = import '../lib/utils.libsonnet';

{
  prometheusRules+:: {
    local c = $._config,
    local g = c.groupingLabels,
    local level = u.level(g),
    local by = u.by(g),
    local sel(metric) = u.sel(c, metric),
    local offset = sel('connector_clock_offset_seconds'),
    local tolerance = u.tolerance(c),
    // A state as a label: each branch is one count, tagged.
    local state(name, expr) =
      'label_replace(count %s (%s), "state", "%s", "", "")' % [by, expr, name],
    // The heat map's bucket bounds, in seconds (Twingate's tolerance is ±5 s).
    local bounds = c.clockOffsetBuckets,

    groups+: [{
      name: c.ruleGroupPrefix + '.connectors.rules',
      rules: [
        // Connectors per state: up, down, unknown (the exporter answers but cannot tell, e.g.
        // no process of that name ever ran) and exporter_down (the target does not answer).
        // A state nobody is in is absent, not 0.
        {
          record: '%s_state:connector_up:count' % level,
          expr: std.join('\n  or\n', [
            state('up', sel('connector_up') + ' == 1'),
            state('down', sel('connector_up') + ' == 0'),
            state('unknown', '%s unless on (job, instance) %s' % [sel('up') + ' == 1', sel('connector_up')]),
            state('exporter_down', sel('up') + ' == 0'),
          ]) + '\n',
        },
        // Exporter targets answering; with the fleet rules' :count, the up share.
        {
          record: '%s:connector_exporter_up:sum' % level,
          expr: 'sum %s (%s)' % [by, sel('up')],
        },
        // The clock: the extremes per group (the worst absolute offset is the larger of max and
        // -min, and :max_abs says it directly), and how many are near or beyond the tolerance.
        {
          record: '%s:connector_clock_offset_seconds:max' % level,
          expr: 'max %s (%s)' % [by, offset],
        },
        {
          record: '%s:connector_clock_offset_seconds:min' % level,
          expr: 'min %s (%s)' % [by, offset],
        },
        {
          record: '%s:connector_clock_offset_seconds:max_abs' % level,
          expr: 'max %s (abs(%s))' % [by, offset],
        },
        {
          record: '%s:connector_clock_offset_seconds:count' % level,
          expr: 'count %s (%s)' % [by, offset],
        },
        {
          record: '%s:connector_clock_offset_seconds:count_beyond_tolerance' % level,
          expr: 'count %s (abs(%s) >= %s)' % [by, offset, tolerance],
        },
        {
          record: '%s:connector_clock_offset_tolerance_seconds:max' % level,
          // A configured number holds for every connector with an offset.
          expr: 'max %s (%s)' % [by, if c.clockToleranceSeconds == null then tolerance else '0 * %s + %s' % [offset, tolerance]],
        },
        // "Near" includes beyond, as ConnectorClockOffsetNearTolerance does.
        {
          record: '%s:connector_clock_offset_seconds:count_near_tolerance' % level,
          expr: 'count %s (abs(%s) >= 0.5 * %s)' % [by, offset, tolerance],
        },
        // Cumulative counts of offsets at or below each bound, for the distribution heat map.
        {
          record: '%s_le:connector_clock_offset_seconds:count' % level,
          expr: std.join('\n  or\n', [
            'label_replace(count %s (%s <= %s), "le", "%s", "", "")' % [by, offset, b, b]
            for b in bounds
          ] + ['label_replace(count %s (%s), "le", "+Inf", "", "")' % [by, offset]]) + '\n',
        },
        // Peer-to-peer: connectors with a verdict, and how many of them can.
        {
          record: '%s:connector_p2p_possible:sum' % level,
          expr: 'sum %s (%s)' % [by, sel('connector_p2p_possible')],
        },
        {
          record: '%s:connector_p2p_possible:count' % level,
          expr: 'count %s (%s)' % [by, sel('connector_p2p_possible')],
        },
        // Restarts over the last hour, the group's total.
        {
          record: '%s:connector_restarts:increase1h' % level,
          expr: 'sum %s (increase(%s[1h]))' % [by, sel('connector_restarts_total')],
        },
        // Probe failures per second by probe and reason.
        {
          record: '%s_probe_reason:connector_probe_failures:rate5m' % level,
          expr: 'sum by (%s, probe, reason) (rate(%s[5m]))' % [std.join(', ', g), sel('connector_probe_failures_total')],
        },
      ],
    }],
  },
}
