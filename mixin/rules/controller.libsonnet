// Host view against controller view, joined in Prometheus: one Admin API poller per network
// exports the controller's series (with the connector's hostname), every host exporter exports
// connector_host_info (with its hostname), and these rules meet them per host. Series carry the
// host exporter's job, instance and hostname, so alerts and dashboards treat them like any
// per-connector series.
local u = import '../lib/utils.libsonnet';

{
  prometheusRules+:: {
    local c = $._config,
    local host(metric, keep) =
      'max by (%s) (%s * on (job, instance) group_left (hostname) %s)' % [
        keep,
        u.sel(c, metric),
        u.sel(c, 'connector_host_info'),
      ],
    local ctrl(metric) = u.sel({ exporterSelector: c.controllerSelector }, metric),
    local hostIp = 'group by (job, instance, hostname, address) (%s * on (job, instance) group_left (hostname) %s)' % [
      u.sel(c, 'connector_public_ip_info'),
      u.sel(c, 'connector_host_info'),
    ],
    local ctrlIp = 'label_replace(group by (hostname, public_ip) (%s), "address", "$1", "public_ip", "(.+)")' % ctrl('connector_controller_info'),
    groups+: [{
      name: c.ruleGroupPrefix + '.controller.rules',
      rules: [
        // 1 when the host's connector_up matches what the controller says (ALIVE = up), 0 when
        // not; absent for a host the controller has no connector with its hostname.
        {
          record: 'connector:controller_agreement:up',
          expr: |||
            %s
              == bool on (hostname) group_left ()
            max by (hostname) (%s * on (job, instance, connector_id) group_left (hostname) %s)
          ||| % [
            host('connector_up', 'job, instance, hostname'),
            ctrl('connector_controller_up'),
            u.sel({ exporterSelector: c.controllerSelector }, 'connector_controller_info', 'hostname!=""'),
          ],
        },
        // 1 when STUN's public address is the controller's publicIP for the host, 0 when the
        // controller has another one.
        {
          record: 'connector:controller_agreement:public_ip',
          expr: |||
            (%(h)s and on (hostname, address) %(c)s)
              or
            0 * (%(h)s and on (hostname) %(c)s)
          ||| % { h: hostIp, c: ctrlIp },
        },
      ],
    }],
  },
}
