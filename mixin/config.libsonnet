// What the mixin assumes about your Prometheus. Override any field:
//   (import 'mixin.libsonnet') + { _config+:: { exporterSelector: 'job="twingate"' } }
{
  _config+:: {
    // Label matchers that select the exporter's series (every rule and panel uses them). Must
    // not be empty: it is placed inside `{...}` next to other matchers.
    exporterSelector: 'job="connector-exporter"',
    // Selects the Admin API poller's series (connector_controller_*): the same job by default;
    // set it when the poller is scraped under a job of its own.
    controllerSelector: self.exporterSelector,

    // Target labels that say where a connector is, most significant first: fleet alerts
    // aggregate by them, Alertmanager groups by them, dashboards offer a variable for each.
    // Labels you do not set are simply empty; with none at all the fleet is one group.
    groupingLabels: ['remote_network', 'site'],
    // The label naming the Twingate remote network: connectors sharing it are redundant.
    remoteNetworkLabel: 'remote_network',
    // Twingate's advice is at least two connectors per remote network.
    minConnectorsPerRemoteNetwork: 2,
    // This many connectors of one group raising the same per-connector alert at once is one
    // shared cause (an NTP or STUN outage, a firewall change) and gets one alert for the group.
    widespreadMinConnectors: 3,

    // The controller's clock tolerance, in seconds. null: the exporter's own
    // connector_clock_offset_tolerance_seconds series (its --clock.tolerance), per connector.
    clockToleranceSeconds: null,
    // Beyond the tolerance pages only after two clock rounds (64 s each by default) plus a
    // scrape; raise it if you lengthen --clock.interval.
    clockCriticalFor: '2m30s',
    // The kernel caps its maximum error at 16 s once nothing disciplines the clock (the same
    // threshold as node-mixin's NodeClockNotSynchronising).
    kernelMaxErrorSeconds: 16,
    // How far back an exporter target counts as expected when it vanishes from discovery.
    exporterAbsenceWindow: '1h',

    // Traffic (the connector's own byte counters against STUN's verdict): a direct share below
    // this with peer-to-peer possible, or at or above it with peer-to-peer impossible, over
    // trafficWindow (in words: trafficWindowText), held for trafficFor. Fewer than
    // trafficMinBytes in the window is too little to judge (the exporter's
    // --connector.traffic-min-bytes default). The fleet's share per group is recorded over
    // trafficFleetWindow (the exporter's --connector.traffic-window default).
    trafficDirectRatioLow: 0.1,
    trafficWindow: '30m',
    trafficWindowText: '30 minutes',
    trafficFor: '30m',
    trafficMinBytes: 1048576,
    trafficFleetWindow: '15m',

    // Absolute links put on every alert; %s is the alert name in lower case (the runbook's
    // heading anchor) or the dashboard uid.
    runbookURLPattern: 'https://github.com/connector-exporter/connector-exporter/blob/main/docs/runbook.md#%s',
    dashboardURLPattern: 'http://localhost:3000/d/%s',

    // Rule group names start with this.
    ruleGroupPrefix: 'connector-exporter',
    // Groups (name after the prefix) that a site's own Prometheus can evaluate over its own
    // connectors, because they select one connector at a time or aggregate within one site
    // (this needs `site` in groupingLabels). make mixin writes them to
    // deploy/fleet/site.rules.yml and every other group to deploy/fleet/central.rules.yml, for
    // fleets too large for one store to evaluate every rule (docs/scale.md). Every group is in
    // alerts/connector-exporter.rules.yml, for a single Prometheus.
    siteRuleGroups: ['clock', 'stun', 'connector', 'exporter', 'traffic', 'widespread', 'connectors.rules', 'traffic.rules'],

    // Grafana: dashboard uids (links between the dashboards use them), tags, refresh.
    dashboardUIDs: {
      details: 'connector-exporter-details',
      fleet: 'connector-exporter-fleet',
    },
    dashboardTags: ['connector-exporter', 'twingate'],
    // The fleet dashboard's heavy panels read the connectors recording rules
    // (mixin/rules/connectors.libsonnet) by default; false makes "raw" (every connector's
    // series) the default of its Aggregates variable, for a Prometheus without those rules.
    dashboardRecordingRules: true,
    // Bounds (seconds, as PromQL writes them) of the clock offset heat map and its recording
    // rule; the controller tolerates ±5 s.
    clockOffsetBuckets: ['-5', '-2', '-1', '-0.5', '-0.1', '0.1', '0.5', '1', '2', '5'],
  },
}
