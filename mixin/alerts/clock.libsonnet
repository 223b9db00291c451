// Clock alerts: the offset against the reference servers, and what keeps the host's clock right.
local u = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    local v = c { tol: u.tolerance(c) },
    groups+: [{
      name: c.ruleGroupPrefix + '.clock',
      rules: [
        // Outside the tolerance the controller no longer tolerates the connector, so this
        // pages. The offset is already a median over several servers; `for` asks for two clock
        // rounds (64 s each by default) beyond the tolerance, so one odd round never pages.
        u.alert(c, {
          alert: 'ConnectorClockOffsetBeyondTolerance',
          expr: |||
            connector_clock_offset_seconds{%(exporterSelector)s}
              and
            abs(connector_clock_offset_seconds{%(exporterSelector)s}) >= %(tol)s
          ||| % v,
          'for': c.clockCriticalFor,
          severity: 'critical',
          summary: "Connector clock offset is beyond the controller's tolerance",
          description: |||
            {{ $labels.instance }} (host {{ $host }}): clock is
            {{ $value | humanizeDuration | reReplaceAll "^-" "" }}
            {{ if lt $value 0.0 }}behind{{ else }}ahead of{{ end }} the reference; the controller
            tolerates ±<<tolerance>>.
          |||,
        }),

        // Near the limit the controller already sees intermittent failures (Twingate's own
        // guidance), so warn well before the critical threshold.
        u.alert(c, {
          alert: 'ConnectorClockOffsetNearTolerance',
          expr: |||
            connector_clock_offset_seconds{%(exporterSelector)s}
              and
            abs(connector_clock_offset_seconds{%(exporterSelector)s}) >= (%(tol)s) / 2
          ||| % v,
          'for': '5m',
          severity: 'warning',
          summary: "Connector clock offset is near the controller's tolerance",
          description: |||
            {{ $labels.instance }} (host {{ $host }}): clock is
            {{ $value | humanizeDuration | reReplaceAll "^-" "" }}
            {{ if lt $value 0.0 }}behind{{ else }}ahead of{{ end }} the reference, more than half of
            the ±<<tolerance>>
            the controller tolerates; near the limit connections fail intermittently.
          |||,
        }),

        // A clock that nobody disciplines drifts steadily; catch it an hour before it crosses
        // the tolerance. Only while still inside the tolerance (beyond it the critical alert
        // speaks) and only while the trend points away from zero: a correction toward zero
        // also extrapolates far, past zero, and is no reason to warn. `for` keeps a one-off step
        // (which bends the 30 m regression for a while) from firing.
        u.alert(c, {
          alert: 'ConnectorClockOffsetDrifting',
          expr: |||
            connector_clock_offset_seconds{%(exporterSelector)s}
              and
            abs(predict_linear(connector_clock_offset_seconds{%(exporterSelector)s}[30m], 3600)) >= %(tol)s
              and
            abs(connector_clock_offset_seconds{%(exporterSelector)s}) < %(tol)s
              and
            deriv(connector_clock_offset_seconds{%(exporterSelector)s}[30m]) * connector_clock_offset_seconds{%(exporterSelector)s} > 0
          ||| % v,
          'for': '10m',
          severity: 'warning',
          summary: "Connector clock is drifting toward the controller's tolerance",
          description: |||
            {{ $labels.instance }} (host {{ $host }}): clock is
            {{ $value | humanizeDuration | reReplaceAll "^-" "" }}
            {{ if lt $value 0.0 }}behind{{ else }}ahead of{{ end }} the reference
            {{- with printf `predict_linear(connector_clock_offset_seconds{instance=%q,job=%q}[30m], 3600)` $labels.instance $labels.job | query }}
            {{- $p := . | first | value }} and, on its trend over the last 30 minutes, will be
            {{ $p | humanizeDuration | reReplaceAll "^-" "" }}
            {{ if lt $p 0.0 }}behind{{ else }}ahead of{{ end }} it within an hour
            {{- end }}; the controller tolerates
            ±<<tolerance>>.
          |||,
        }),

        // Without a reference the offset series is absent (never 0), so the offset alerts above
        // cannot fire: this is the alert that notices. Each branch keeps the labels of the clock
        // probe's success series, so the alert keeps one identity whichever branch matches.
        u.alert(c, {
          alert: 'ConnectorClockNoReference',
          expr: |||
            (connector_probe_success{%(exporterSelector)s,probe="clock"} == 0)
              or
            (connector_probe_success{%(exporterSelector)s,probe="clock"} unless ignoring (probe) connector_clock_offset_seconds{%(exporterSelector)s})
              or
            (connector_probe_success{%(exporterSelector)s,probe="clock"} and ignoring (probe) max without (server) (connector_clock_server_up{%(exporterSelector)s}) == 0)
          ||| % v,
          'for': '10m',
          severity: 'warning',
          summary: 'Connector clock has no reference time',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): no reference time, so the clock offset is
            unknown:
            {{ with printf `count(connector_clock_server_up{instance=%q,job=%q} == 1)` $labels.instance $labels.job | query }}{{ . | first | value | printf "%.0f" }}{{ else }}0{{ end }}
            of
            {{ with printf `count(connector_clock_server_up{instance=%q,job=%q})` $labels.instance $labels.job | query }}{{ . | first | value | printf "%.0f" }}{{ else }}0{{ end }}
            reference servers answered, the clock probe
            {{ with printf `time() - connector_probe_last_success_timestamp_seconds{instance=%q,job=%q,probe="clock"}` $labels.instance $labels.job | query -}}
            last succeeded {{ . | first | value | humanizeDuration }} ago
            {{- else -}}
            has not succeeded since the exporter started
            {{- end }} (recent failures:
            {{ range $i, $s := printf `increase(connector_probe_failures_total{instance=%q,job=%q,probe="clock"}[15m]) > 0` $labels.instance $labels.job | query | sortByLabel "reason" }}{{ if $i }}, {{ end }}{{ $s.Labels.reason }}{{ else }}none recorded{{ end }}).
          |||,
        }),

        // Where only outbound TCP 443 is open the offset comes from the HTTPS servers' Date
        // (the controller's, with --twingate.network) and the alerts above keep working on it,
        // so nothing else would say that NTP is gone. NTP servers are those whose server label
        // is not an https:// URL; both sides keep every label but `server`, so they match.
        u.alert(c, {
          alert: 'ConnectorClockNtpBlocked',
          expr: |||
            max without (server) (connector_clock_server_up{%(exporterSelector)s,server!~"https://.*"}) == 0
              and
            max without (server) (connector_clock_server_up{%(exporterSelector)s,server=~"https://.*"}) == 1
          ||| % v,
          'for': '15m',
          severity: 'warning',
          summary: 'NTP blocked: outbound UDP 123; the clock offset comes from HTTPS',
          description: |||
            {{ $labels.instance }} (host {{ $host }}): NTP blocked: outbound UDP 123. None of the
            {{ with printf `count(connector_clock_server_up{instance=%q,job=%q,server!~"https://.*"})` $labels.instance $labels.job | query }}{{ . | first | value | printf "%.0f" }}{{ end }}
            NTP servers has answered for 15 minutes, while HTTPS servers do; the offset now comes
            from their Date header
            {{- with printf `connector_clock_offset_seconds{instance=%q,job=%q}` $labels.instance $labels.job | query }}
            {{- $o := . | first | value }} ({{ $o | printf "%+.3f" }} s
            {{- with printf `connector_clock_offset_uncertainty_seconds{instance=%q,job=%q}` $labels.instance $labels.job | query }}
            ± {{ . | first | value | humanizeDuration }}
            {{- end }})
            {{- end }}. The host's own NTP daemon is likely blocked too.
          |||,
        }),

        // An undisciplined kernel clock is the usual cause of the offset alerts, and shows
        // before the offset grows. The flag alone is not enough: a kernel whose NTP daemon just
        // restarted, or one disciplined by something adjtimex does not see (a hypervisor, PTP),
        // reports "unsynchronized" with a small error bound. Only once the maximum error has
        // grown to the kernel's cap is nothing keeping the clock in step (node-mixin's
        // NodeClockNotSynchronising asks the same). `for` rides out an NTP daemon restart.
        u.alert(c, {
          alert: 'ConnectorClockKernelUnsynchronized',
          expr: |||
            connector_clock_kernel_synchronized{%(exporterSelector)s} == 0
              and
            connector_clock_kernel_maxerror_seconds{%(exporterSelector)s} >= %(kernelMaxErrorSeconds)s
          ||| % v,
          'for': '15m',
          severity: 'warning',
          summary: "Kernel clock of the connector's host is not synchronized",
          description: |||
            {{ $labels.instance }} (host {{ $host }}): the kernel reports its clock as not
            synchronized
            {{- with printf `connector_clock_kernel_maxerror_seconds{instance=%q,job=%q}` $labels.instance $labels.job | query }}
            (maximum error {{ . | first | value | humanizeDuration }})
            {{- end }}, so nothing keeps it in step with a time source and it will drift
            {{- with printf `connector_clock_offset_seconds{instance=%q,job=%q}` $labels.instance $labels.job | query }}
            {{- $o := . | first | value }}; it is
            {{ $o | humanizeDuration | reReplaceAll "^-" "" }}
            {{ if lt $o 0.0 }}behind{{ else }}ahead of{{ end }} the reference now
            {{- end }}.
          |||,
        }),
      ],
    }],
  },
}
