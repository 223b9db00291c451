// The connector-exporter mixin: prometheusAlerts, prometheusRules and grafanaDashboards, from
// the settings in config.libsonnet. See README § Alerts for how to build and customise it.
(import 'config.libsonnet')
+ (import 'alerts/alerts.libsonnet')
+ (import 'rules/rules.libsonnet')
+ (import 'dashboards/dashboards.libsonnet')
