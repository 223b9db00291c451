// The committed outputs, keyed by their path from the repository root. Two passes, because
// jsonnet writes JSON natively but YAML only as strings (-S), and the JSON manifestation std
// offers is too slow for dashboards:
//   jsonnet -J mixin -m OUT mixin/build.jsonnet                            dashboards/*.json
//   jsonnet -S -J mixin -m OUT --tla-str format=yaml mixin/build.jsonnet   alerts/, deploy/
// scripts/gen-mixin.sh runs both (make mixin).
local mixin = import 'mixin.libsonnet';
local yaml = import 'lib/yaml.libsonnet';

local header = [
  'Generated from mixin/ by `make mixin`: do not edit. Change the jsonnet (and the promtool',
  'tests in alerts/tests/), then run `make mixin`. Metric names: DESIGN.md § 3.',
];
local rules = { groups: mixin.prometheusRules.groups + mixin.prometheusAlerts.groups };

// Each group is emitted once (the emitter is the slow part of the build) and the files are
// put together from the groups' lines: every group in the full file, and the same groups split
// by where a fleet evaluates them (siteRuleGroups in config.libsonnet).
local groupLines = [{ name: g.name, lines: yaml.linesAt([g], 2) } for g in rules.groups];
local atSite(g) = std.member([mixin._config.ruleGroupPrefix + '.' + s for s in mixin._config.siteRuleGroups], g.name);
local linesOf(groups) = ['groups:'] + std.flattenArrays([g.lines for g in groups]);
local ruleLines = linesOf(groupLines);
local siteLines = linesOf(std.filter(atSite, groupLines));
local centralLines = linesOf(std.filter(function(g) !atSite(g), groupLines));

// The same rules for the Prometheus Operator, indented under `spec:` (the emitter is slow
// enough that writing them twice would double the build time).
local prometheusRule = yaml.lines({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: {
    name: 'connector-exporter',
    labels: {
      'app.kubernetes.io/name': 'connector-exporter',
      release: 'prometheus',
    },
  },
}) + ['spec:'] + [if l == '' then '' else '  ' + l for l in ruleLines];

function(format='json')
  if format == 'yaml' then {
    'alerts/connector-exporter.rules.yml': yaml.join(ruleLines, header),
    'deploy/fleet/site.rules.yml': yaml.join(siteLines, header + [
      "A site's own Prometheus (deploy/fleet/site-server.yml) evaluates these over its own",
      'connectors; the central store evaluates central.rules.yml (docs/scale.md).',
    ]),
    'deploy/fleet/central.rules.yml': yaml.join(centralLines, header + [
      'The central store evaluates these across every site; each site evaluates',
      'site.rules.yml over its own connectors (docs/scale.md).',
    ]),
    'deploy/kubernetes/prometheusrule.yaml': yaml.join(prometheusRule, header + [
      'metadata.labels.release must match your Prometheus ruleSelector, e.g. the',
      'kube-prometheus-stack release.',
    ]),
  } else if format == 'json' then {
    ['dashboards/' + name]: mixin.grafanaDashboards[name]
    for name in std.objectFields(mixin.grafanaDashboards)
  } else error 'format is json or yaml'
