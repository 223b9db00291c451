// The connector-details dashboard (dashboards/connector-details.json is generated from this):
// one connector, like the controller's Connector Details page. One file per row under
// details/ (panels as Grafana exports them), in order; a new row is a file and a line here, or
// Jsonnet like the error-bars-and-traffic row at the end (grid positions are absolute, so start
// it below the last one, before the Controller row's shift at the end).
function(c)
  {
  "__inputs": [
    {
      "name": "DS_PROMETHEUS",
      "label": "Prometheus",
      "description": "Prometheus that scrapes connector-exporter",
      "type": "datasource",
      "pluginId": "prometheus",
      "pluginName": "Prometheus"
    }
  ],
  "__elements": {},
  "__requires": [
    {
      "type": "grafana",
      "id": "grafana",
      "name": "Grafana",
      "version": "12.0.0"
    },
    {
      "type": "datasource",
      "id": "prometheus",
      "name": "Prometheus",
      "version": "1.0.0"
    },
    {
      "type": "panel",
      "id": "bargauge",
      "name": "Bar gauge",
      "version": ""
    },
    {
      "type": "panel",
      "id": "stat",
      "name": "Stat",
      "version": ""
    },
    {
      "type": "panel",
      "id": "state-timeline",
      "name": "State timeline",
      "version": ""
    },
    {
      "type": "panel",
      "id": "table",
      "name": "Table",
      "version": ""
    },
    {
      "type": "panel",
      "id": "timeseries",
      "name": "Time series",
      "version": ""
    }
  ],
  "annotations": {
    "list": [
      {
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "enable": true,
        "hide": false,
        "iconColor": "red",
        "name": "Connector up/down",
        "expr": "changes(connector_up{job=\"$job\", instance=\"$instance\"}[1m]) > 0",
        "step": "1m",
        "titleFormat": "Connector state changed",
        "textFormat": "",
        "tagKeys": "",
        "useValueForTime": false
      }
    ]
  },
  "description": "One Twingate connector: up/down and what the controller says of it, clock offset against the controller's ±5 s tolerance, STUN/NAT and P2P, host facts, and the exporter's own health.",
  "editable": true,
  "fiscalYearStartMonth": 0,
  "graphTooltip": 1,
  "id": null,
  "links": [
    {
      "title": "Connector fleet",
      "type": "link",
      "icon": "dashboard",
      "tooltip": "All connectors",
      "url": "/d/connector-exporter-fleet/connector-fleet?var-datasource=${datasource}&var-job=${job}",
      "keepTime": true,
      "includeVars": false,
      "asDropdown": false,
      "targetBlank": false,
      "tags": []
    }
  ],
  "liveNow": false,
  "refresh": "1m",
  "schemaVersion": 41,
  "tags": [
    "connector-exporter",
    "twingate",
    "prometheus"
  ],
  "templating": {
    "list": [
      {
        "current": {
          "selected": false,
          "text": "Prometheus",
          "value": "${DS_PROMETHEUS}"
        },
        "description": "Prometheus that scrapes connector-exporter.",
        "hide": 0,
        "includeAll": false,
        "label": "Data source",
        "multi": false,
        "name": "datasource",
        "options": [],
        "query": "prometheus",
        "queryValue": "",
        "refresh": 1,
        "regex": "",
        "skipUrlSync": false,
        "type": "datasource"
      },
      {
        "current": {},
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "definition": "label_values(connector_exporter_build_info, job)",
        "description": "Prometheus job that scrapes connector-exporter.",
        "hide": 0,
        "includeAll": false,
        "label": "Job",
        "multi": false,
        "name": "job",
        "options": [],
        "query": {
          "qryType": 1,
          "query": "label_values(connector_exporter_build_info, job)",
          "refId": "PrometheusVariableQueryEditor-VariableQuery"
        },
        "refresh": 2,
        "regex": "",
        "skipUrlSync": false,
        "sort": 1,
        "type": "query"
      },
      {
        "current": {},
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "definition": "label_values(connector_exporter_build_info{job=\"$job\"}, instance)",
        "description": "The connector-exporter to show.",
        "hide": 0,
        "includeAll": false,
        "label": "Instance",
        "multi": false,
        "name": "instance",
        "options": [],
        "query": {
          "qryType": 1,
          "query": "label_values(connector_exporter_build_info{job=\"$job\"}, instance)",
          "refId": "PrometheusVariableQueryEditor-VariableQuery"
        },
        "refresh": 2,
        "regex": "",
        "skipUrlSync": false,
        "sort": 1,
        "type": "query"
      }
    ]
  },
  "time": {
    "from": "now-6h",
    "to": "now"
  },
  "timepicker": {},
  "timezone": "",
  "title": "Connector details",
  "uid": "connector-exporter-details",
  "version": 1,
  "weekStart": ""
}
  + {
    panels:
      (import 'details/connector.libsonnet')
    + (import 'details/controller.libsonnet')(c, 18)
    + (import 'details/clock.libsonnet')
    + (import 'details/stun-and-nat.libsonnet')
    + (import 'details/host.libsonnet')
    + (import 'details/exporter.libsonnet'),
  }
  + {
    local g = import 'grafana.libsonnet',
    local ds = { type: 'prometheus', uid: '${datasource}' },
    local sel = 'job="$job", instance="$instance"',
    local target(ref, expr, legend) = {
      datasource: ds,
      editorMode: 'code',
      expr: expr,
      format: 'time_series',
      instant: false,
      legendFormat: legend,
      range: true,
      refId: ref,
    },
    local row(id, title, y) = {
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y: y },
      id: id,
      panels: [],
      title: title,
      type: 'row',
    },
    local graph(id, title, description, unit, pos, targets, extra={}) = {
      datasource: ds,
      description: description,
      fieldConfig: { defaults: g.lines { unit: unit } + extra, overrides: [] },
      gridPos: pos,
      id: id,
      options: g.legendTable,
      targets: targets,
      title: title,
      type: 'timeseries',
    },
    uid: c.dashboardUIDs.details,
    // STUN's verdict as a band on the traffic graphs: relayed traffic inside it is the
    // contradiction ConnectorTrafficRelayedDespiteP2P warns about.
    annotations+: {
      list+: [{
        datasource: ds,
        enable: true,
        expr: 'connector_p2p_possible{%s} == 1' % sel,
        filter: { exclude: false, ids: [50, 51] },
        hide: false,
        iconColor: 'green',
        name: 'P2P possible (STUN)',
        step: '1m',
        tagKeys: '',
        textFormat: '',
        titleFormat: 'STUN: peer-to-peer possible',
        useValueForTime: false,
      }],
    },
    panels+: [
      row(48, 'Error bars and traffic', 99),
      graph(
        49,
        'Offset uncertainty',
        'How far off each offset may be (its error bar): for NTP root distance plus half the round trip, for an HTTPS Date bisection half its interval plus half the round trip. The selected offset first, then each reference server.',
        's',
        { h: 8, w: 8, x: 0, y: 100 },
        [
          target('A', 'connector_clock_offset_uncertainty_seconds{%s}' % sel, 'selected offset'),
          target('B', 'connector_clock_server_uncertainty_seconds{%s}' % sel, '{{server}}'),
        ],
        { decimals: 3, min: 0 },
      ),
      graph(
        50,
        'Traffic by transport',
        "The connector's own byte counters (its metrics endpoint, connector 1.80 or later): traffic sent directly to clients (peer-to-peer) and through relays, each way. The green band is where STUN says peer-to-peer is possible.",
        'Bps',
        { h: 8, w: 8, x: 8, y: 100 },
        [target('A', 'sum by (direction, transport) (rate(connector_traffic_bytes_total{%s}[$__rate_interval]))' % sel, '{{transport}} {{direction}}')],
        { min: 0 },
      ),
      graph(
        51,
        'Direct share of traffic',
        'Direct bytes over all bytes in the exporter\'s traffic window; absent while too little moved to tell. Low inside the green band (STUN: P2P possible) means clients are relayed anyway: ConnectorTrafficRelayedDespiteP2P.',
        'percentunit',
        { h: 8, w: 8, x: 16, y: 100 },
        [target('A', 'connector_traffic_direct_ratio{%s}' % sel, 'direct share')],
        { decimals: 1, max: 1, min: 0 },
      ),
    ],
  }
  // The Controller row sits under the Connector row, beside the host's own up/down: every row
  // after it moves down by its height.
  + {
    local controllerRows = std.range(52, 61),
    local height = 17,
    panels: [
      if p.gridPos.y >= 18 && !std.member(controllerRows, p.id) then p { gridPos+: { y: super.y + height } } else p
      for p in super.panels
    ],
  }
