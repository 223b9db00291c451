// Grafana dashboards, one file per dashboard (a function of the config): add yours here with
// one line. The key is the file name under dashboards/.
{
  grafanaDashboards+:: {
    'connector-details.json': (import 'connector-details.libsonnet')($._config),
    'fleet-overview.json': (import 'fleet-overview.libsonnet')($._config),
  },
}
