// Controller alerts: what the Twingate controller says of each connector (the admin_api probe
// of one poller per network), and where it disagrees with the host.
local u = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    local ctrl(metric, extra='') = u.sel({ exporterSelector: c.controllerSelector }, metric, extra),
    local alive = 'sum by (remote_network) (%s)' % ctrl('connector_controller_connectors', 'state="ALIVE"'),
    groups+: [{
      name: c.ruleGroupPrefix + '.controller',
      rules: [
        // The controller's verdict is what users get: not ALIVE for two polls is an outage of
        // that connector whatever its host says.
        u.alert(c, {
          alert: 'ConnectorControllerNotAlive',
          expr: '%s == 0' % ctrl('connector_controller_up'),
          'for': '2m',
          severity: 'critical',
          summary: 'The controller says the connector is not ALIVE',
          perConnector: false,
          description: |||
            The controller says connector {{ $labels.connector }} (remote network
            {{ $labels.remote_network }}) is
            {{ with printf `connector_controller_state{connector_id=%q} == 1` $labels.connector_id | query }}{{ . | first | label "state" }}{{ else }}not ALIVE{{ end }}.
          |||,
        }),

        // The finding this exporter exists for: the process runs, the controller does not see
        // it (heartbeats or relays blocked). Joined per host by the recording rule, or exported
        // directly by a host that polls for its own connector (--twingate.connector).
        u.alert(c, {
          alert: 'ConnectorControllerDisagrees',
          expr: |||
            (
              connector:controller_agreement:up == 0
                or
              %s == 0
            )
              and on (job, instance)
            %s == 1
          ||| % [u.sel(c, 'connector_controller_agreement', 'check="up"'), u.sel(c, 'connector_up')],
          'for': '5m',
          severity: 'critical',
          summary: 'The connector runs but the controller says it is not ALIVE',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): the connector process is up but the
            controller has not seen it ALIVE for 5 minutes: users cannot use it. Check
            outbound TCP 443 to the controller, DNS and the relays from this host.
          |||,
        }),

        u.alert(c, {
          alert: 'ConnectorControllerHeartbeatOld',
          expr: 'time() - %s > 300' % ctrl('connector_controller_last_heartbeat_timestamp_seconds'),
          'for': '1m',
          severity: 'warning',
          summary: "The connector's last heartbeat is more than 5 minutes old",
          perConnector: false,
          description: |||
            The controller's last heartbeat from connector {{ $labels.connector }} (remote
            network {{ $labels.remote_network }}) is {{ $value | humanizeDuration }} old.
          |||,
        }),

        u.alert(c, {
          alert: 'ConnectorControllerRemoteNetworkDown',
          expr: '%s == 0' % alive,
          'for': '2m',
          severity: 'critical',
          summary: 'The controller has no ALIVE connector in the remote network',
          perConnector: false,
          description: |||
            No connector of remote network {{ $labels.remote_network }} is ALIVE for the
            controller: its resources are unreachable for every user.
          |||,
        }),

        u.alert(c, {
          alert: 'ConnectorControllerRedundancyLost',
          expr: '%s == 1' % alive,
          'for': '5m',
          severity: 'warning',
          summary: 'Only one ALIVE connector left in the remote network',
          perConnector: false,
          description: |||
            Only one connector of remote network {{ $labels.remote_network }} is ALIVE for
            the controller: no redundancy left.
          |||,
        }),
      ],
    }],
  },
}
