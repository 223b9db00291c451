// Alerting rules, one file per area (each adds a rule group): add yours here with one line.
(import 'clock.libsonnet')
+ (import 'stun.libsonnet')
+ (import 'connector.libsonnet')
+ (import 'exporter.libsonnet')
+ (import 'fleet.libsonnet')
+ (import 'controller.libsonnet')
+ (import 'traffic.libsonnet')
