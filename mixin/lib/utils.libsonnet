// Helpers shared by the alert, rule and dashboard files.
{
  // `>-`-style folding: the description templates are written one phrase per line in the
  // sources and joined by single spaces, which is what Prometheus renders.
  // The source lines of `text`, for the YAML emitter to write as they are (lib/yaml.libsonnet).
  lines(text):: std.split(std.stripChars(text, '\n'), '\n'),
  fold(text):: std.join(' ', $.lines(text)),

  // The exporter's series of `metric`, with extra matchers.
  sel(c, metric, extra=''):: metric + '{' + c.exporterSelector + (if extra == '' then '' else ',' + extra) + '}',

  // The tolerance as PromQL: the exporter's own series unless the config fixes a number.
  tolerance(c)::
    if c.clockToleranceSeconds == null then $.sel(c, 'connector_clock_offset_tolerance_seconds')
    else std.toString(c.clockToleranceSeconds),

  // The tolerance as the alert text quotes it.
  toleranceText(c)::
    if c.clockToleranceSeconds == null then
      '{{ with printf `connector_clock_offset_tolerance_seconds{instance=%q,job=%q}` $labels.instance $labels.job | query }}{{ . | first | value | humanizeDuration }}{{ end }}'
    else '{{ %s | humanizeDuration }}' % std.toString(c.clockToleranceSeconds),

  // by (...) over the grouping labels, and a label list for templates.
  by(labels):: 'by (' + std.join(', ', labels) + ')',
  level(labels):: if labels == [] then 'fleet' else std.join('_', labels),

  // "in remote network X, site Y" for the grouping labels the alert carries (labels left empty
  // are skipped), or "across the fleet" when it carries none.
  groupText(labels)::
    '{{- $w := false -}}'
    + std.join('', [
      '{{- with $labels.%s }}{{ if $w }},{{ else }} in{{ end }} %s {{ . }}{{ $w = true }}{{ end }}' % [l, std.strReplace(l, '_', ' ')]
      for l in labels
    ])
    + '{{- if not $w }} across the fleet{{ end }}',

  // The hostname lookup every per-connector description starts with: the current
  // connector_host_info, else the last one seen in the past hour, else "unknown". Looked up in
  // the template, not joined in `expr`, so an alert fires without host facts and a hostname
  // change does not reset a pending alert.
  hostLookup:: |||
    {{- $host := "unknown" -}}
    {{- with printf `connector_host_info{instance=%q,job=%q}` $labels.instance $labels.job | query -}}
    {{- $host = . | first | label "hostname" -}}
    {{- else -}}
    {{- with printf `last_over_time(connector_host_info{instance=%q,job=%q}[1h])` $labels.instance $labels.job | query -}}
    {{- $host = . | first | label "hostname" -}}
    {{- end -}}
    {{- end -}}
  |||,

  // One alerting rule. `a` has alert, expr, for (optional), severity, summary, description
  // (folded; <<tolerance>> is replaced by the quoted tolerance), perConnector (default true:
  // the description starts with the host lookup and the alert links the details dashboard for
  // its instance; false for group alerts, which link the fleet dashboard).
  alert(c, a)::
    local perConnector = std.get(a, 'perConnector', true);
    local text = std.strReplace(
      std.strReplace(a.description, '<<tolerance>>', $.toleranceText(c)),
      '<<group>>',
      $.groupText(std.get(a, 'groupBy', c.groupingLabels))
    );
    {
      alert: a.alert,
      expr: a.expr,
      labels: { severity: a.severity },
      annotations: {
        summary: a.summary,
        local lines = $.lines((if perConnector then $.hostLookup else '') + text),
        description: std.join(' ', lines),
        'folded description':: lines,
        runbook_url: c.runbookURLPattern % std.asciiLower(a.alert),
        dashboard_url:
          if perConnector then (c.dashboardURLPattern % c.dashboardUIDs.details) + '?var-instance={{ $labels.instance }}'
          else c.dashboardURLPattern % c.dashboardUIDs.fleet,
      },
    } + (if std.objectHas(a, 'for') then { 'for': a['for'] } else {}),
}
