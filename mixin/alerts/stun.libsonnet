// STUN alerts: whether clients can reach the connector peer-to-peer.
local u = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    groups+: [{
      name: c.ruleGroupPrefix + '.stun',
      rules: [
        // No STUN answer at all means no public address to offer clients: every session is
        // relayed. Slower, not down, hence warning. Keyed on the per-server results, not on the
        // probe's overall verdict: one answering server is enough to learn the public address.
        // Per-server series absent while the probe runs count as no answer (unknown = absent).
        u.alert(c, {
          alert: 'ConnectorStunFailing',
          expr: |||
            connector_probe_success{%(exporterSelector)s,probe="stun"} unless ignoring (probe, server) connector_stun_success{%(exporterSelector)s} == 1
          ||| % c,
          'for': '10m',
          severity: 'warning',
          summary: 'STUN discovery fails on every server',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): STUN discovery fails:
            {{ with printf `count(connector_stun_success{instance=%q,job=%q} == 1)` $labels.instance $labels.job | query }}{{ . | first | value | printf "%.0f" }}{{ else }}0{{ end }}
            of
            {{ with printf `count(connector_stun_success{instance=%q,job=%q})` $labels.instance $labels.job | query }}{{ . | first | value | printf "%.0f" }}{{ else }}0{{ end }}
            STUN servers answered (recent failures:
            {{ range $i, $s := printf `increase(connector_probe_failures_total{instance=%q,job=%q,probe="stun"}[15m]) > 0` $labels.instance $labels.job | query | sortByLabel "reason" }}{{ if $i }}, {{ end }}{{ $s.Labels.reason }}{{ else }}none recorded{{ end }}).
            The connector cannot learn its public address, so clients cannot reach it peer-to-peer
            and their traffic is relayed.
          |||,
        }),

        // STUN answers but the NAT's mapping depends on the destination, so the address STUN
        // saw is useless to clients. Only when some STUN server answers (otherwise
        // ConnectorStunFailing covers it) and only for a classified mapping: the exporter leaves
        // connector_p2p_possible absent while the mapping is unknown (one STUN server without
        // OTHER-ADDRESS cannot classify it), and versions before that exported 0, which would
        // otherwise fire here forever. A property of the network that rarely changes, hence info
        // and a long `for` (a single round with a lost packet can misjudge the NAT).
        u.alert(c, {
          alert: 'ConnectorPeerToPeerImpossible',
          expr: |||
            (connector_p2p_possible{%(exporterSelector)s} == 0)
              and ignoring (server)
            connector_stun_success{%(exporterSelector)s} == 1
              and ignoring (mapping, filtering)
            connector_nat_info{%(exporterSelector)s,mapping!="unknown"}
          ||| % c,
          'for': '1h',
          severity: 'info',
          summary: 'NAT prevents peer-to-peer connections to the connector',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): STUN works, but the NAT in front of the
            connector
            {{ with printf `connector_nat_info{instance=%q,job=%q}` $labels.instance $labels.job | query -}}
            {{- with first . }}has {{ .Labels.mapping | reReplaceAll "_" "-" }} mapping and {{ .Labels.filtering | reReplaceAll "_" "-" }} filtering{{ end -}}
            {{- else -}}
            was not classified
            {{- end }}, so clients cannot reach the connector peer-to-peer and their traffic is
            relayed.
          |||,
        }),

        // Clients learn the new address through the controller; worth knowing when allow-lists
        // or firewall rules name the old one. Resolves by itself once the window has passed.
        u.alert(c, {
          alert: 'ConnectorPublicIpChanged',
          expr: 'increase(connector_public_ip_changes_total{%(exporterSelector)s}[15m]) > 0' % c,
          severity: 'info',
          summary: 'Connector public IP address changed',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): the connector's public address changed in the
            last 15 minutes; it is now
            {{ range $i, $s := printf `connector_public_ip_info{instance=%q,job=%q}` $labels.instance $labels.job | query | sortByLabel "family" }}{{ if $i }}, {{ end }}{{ $s.Labels.address }} ({{ $s.Labels.family }}){{ else }}unknown{{ end }}.
          |||,
        }),
      ],
    }],
  },
}
