// Traffic alerts: the connector's own byte counters (connector 1.80+, --connector.metrics-url)
// against STUN's verdict. STUN says whether peer-to-peer is possible; the counters say what
// happens. Each alert is the contradiction between the two, judged over trafficWindow from the
// counters themselves (not the exporter's windowed ratio gauge, whose window is a flag), with too
// little traffic (trafficMinBytes) never judged: an idle connector is not "all relayed".
// connector_p2p_possible is absent while the NAT mapping is unknown: then neither fires.
local u = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    local moved(extra) =
      'sum without (direction, transport) (increase(%s[%s]))'
      % [u.sel(c, 'connector_traffic_bytes_total', extra), c.trafficWindow],
    // The direct share, only where enough moved; `op` compares it with the threshold.
    local share(op) = |||
      (
        %(direct)s
          /
        %(all)s
          %(op)s %(low)s
      )
        and
      %(all)s >= %(min)d
    ||| % { direct: moved('transport="direct"'), all: moved(''), op: op, low: "%g" % c.trafficDirectRatioLow, min: c.trafficMinBytes },
    local window = c.trafficWindowText,
    groups+: [{
      name: c.ruleGroupPrefix + '.traffic',
      rules: [
        // Relayed traffic works but is slower and depends on the relays; the usual cause is a
        // firewall that lets STUN out but drops the peers' UDP, hence warning.
        u.alert(c, {
          alert: 'ConnectorTrafficRelayedDespiteP2P',
          expr: share('<') + '  and\n%s == 1\n' % u.sel(c, 'connector_p2p_possible'),
          'for': c.trafficFor,
          severity: 'warning',
          summary: "Peer-to-peer is possible, but the connector's traffic is relayed",
          description: |||
            {{ $labels.instance }} (host {{ $host }}): STUN says clients can reach the connector
            peer-to-peer, but only {{ $value | humanizePercentage }} of its traffic went direct in
            the last %s; the rest was relayed. Check that outbound UDP to the peers is allowed.
          ||| % window,
        }),
        // Not a fault: the STUN servers see another path than the peers do, so the NAT verdict
        // (and ConnectorPeerToPeerImpossible) does not describe the connector's traffic. Info.
        u.alert(c, {
          alert: 'ConnectorTrafficDirectDespiteNoP2P',
          expr: share('>=') + '  and\n%s == 0\n' % u.sel(c, 'connector_p2p_possible'),
          'for': c.trafficFor,
          severity: 'info',
          summary: "Peer-to-peer is impossible per STUN, yet the connector's traffic goes direct",
          description: |||
            {{ $labels.instance }} (host {{ $host }}): STUN says clients cannot reach the connector
            peer-to-peer, yet {{ $value | humanizePercentage }} of its traffic went direct in the
            last %s: the STUN servers see a different path than the peers do.
          ||| % window,
        }),
      ],
    }],
  },
}
