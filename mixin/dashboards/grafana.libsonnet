// Pieces shared by the dashboards: panel defaults, overrides, variables, and the bucket query
// that turns one gauge per connector into a heat map of how many sit in each band.
{
  panelNames:: {
    bargauge: 'Bar gauge',
    heatmap: 'Heatmap',
    stat: 'Stat',
    'state-timeline': 'State timeline',
    table: 'Table',
    timeseries: 'Time series',
  },

  lines:: {
    color: { mode: 'palette-classic' },
    custom: {
      axisCenteredZero: false,
      axisPlacement: 'auto',
      drawStyle: 'line',
      fillOpacity: 0,
      gradientMode: 'none',
      lineInterpolation: 'linear',
      lineWidth: 1,
      showPoints: 'never',
      spanNulls: false,
      stacking: { group: 'A', mode: 'none' },
      thresholdsStyle: { mode: 'off' },
    },
    mappings: [],
    thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] },
  },

  legendTable:: {
    legend: { calcs: ['lastNotNull', 'min', 'max'], displayMode: 'table', placement: 'bottom', showLegend: true },
    tooltip: { mode: 'multi', sort: 'desc' },
  },

  colour(name, colour):: {
    matcher: { id: 'byName', options: name },
    properties: [{ id: 'color', value: { fixedColor: colour, mode: 'fixed' } }],
  },

  local dashed = { id: 'custom.lineStyle', value: { dash: [10, 10], fill: 'dash' } },
  // Two series, "tolerance" and "-tolerance", with the area between them shaded.
  toleranceBand:: [
    {
      matcher: { id: 'byName', options: 'tolerance' },
      properties: [
        { id: 'color', value: { fixedColor: 'green', mode: 'fixed' } },
        { id: 'custom.fillBelowTo', value: '-tolerance' },
        { id: 'custom.fillOpacity', value: 8 },
        dashed,
      ],
    },
    {
      matcher: { id: 'byName', options: '-tolerance' },
      properties: [
        { id: 'color', value: { fixedColor: 'green', mode: 'fixed' } },
        { id: 'custom.fillOpacity', value: 0 },
        dashed,
      ],
    },
  ],

  // Cumulative counts of `expr` at or below each bound, labelled `le` like a histogram, which
  // Grafana's heat map reads (format "heatmap"). Computed in the query, so the browser gets a
  // dozen series whether there are 20 connectors or 2,000.
  buckets(expr, bounds)::
    std.join('\n  or\n', [
      'label_replace(count(%s <= %s) or vector(0), "le", "%s", "", "")' % [expr, std.toString(b), std.toString(b)]
      for b in bounds
    ] + ['label_replace(count(%s) or vector(0), "le", "+Inf", "", "")' % expr]),

  // A multi-value variable over one grouping label. All is ".*", which also matches series
  // that do not have the label, so the dashboards work before anyone sets it.
  groupVariable(label):: {
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    datasource: { type: 'prometheus', uid: '${datasource}' },
    definition: 'label_values(connector_exporter_build_info{job=~"$job"}, %s)' % label,
    description: 'Only connectors whose target label %s is one of these (a target label from your scrape configuration).' % label,
    hide: 0,
    includeAll: true,
    label: std.asciiUpper(label[0]) + std.strReplace(label[1:], '_', ' '),
    multi: true,
    name: label,
    options: [],
    query: {
      qryType: 1,
      query: 'label_values(connector_exporter_build_info{job=~"$job"}, %s)' % label,
      refId: 'PrometheusVariableQueryEditor-VariableQuery',
    },
    refresh: 2,
    regex: '',
    skipUrlSync: false,
    sort: 1,
    type: 'query',
  },
}
