// Recording rules, one file per area: add yours here with one line.
(import 'fleet.libsonnet')
+ (import 'connectors.libsonnet')
+ (import 'controller.libsonnet')
+ (import 'traffic.libsonnet')
