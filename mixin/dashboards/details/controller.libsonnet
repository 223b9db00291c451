// The connector-details dashboard's Controller row: what the Twingate controller (the Admin API,
// polled by the admin_api probe of one exporter per network) says of this host's connector,
// beside the host's own view above it. The controller's series come from the poller's target,
// not this one, so they are found by hostname: the controller's connector_controller_info
// against this instance's connector_host_info, the join the connector:controller_agreement
// recording rules make. Starts at `y` and is `height` high (connector-details.libsonnet moves
// the rows below it down by that much).
local g = import '../grafana.libsonnet';

function(c, y)
  local ds = { type: 'prometheus', uid: '${datasource}' };
  local host = 'job="$job", instance="$instance"';
  local ctrl(metric, extra='') =
    '%s{%s%s}' % [metric, c.controllerSelector, if extra == '' then '' else ', ' + extra];
  // `metric` of the controller's connectors whose hostname is this host's, keeping `keep`.
  // max, because two pollers of one network (or a host polling for itself) export the same.
  local thisHost = ' * on (hostname) group_left () group by (hostname) (connector_host_info{%s})' % host;
  local joined(metric, keep, extra='') =
    if metric == 'connector_controller_info' then
      'max by (%s) (%s%s)' % [keep, ctrl(metric, 'hostname!=""'), thisHost]
    else
      'max by (%s) (%s * on (job, instance, connector_id) group_left (hostname) %s%s)' % [
        keep,
        ctrl(metric, extra),
        ctrl('connector_controller_info', 'hostname!=""'),
        thisHost,
      ];
  local target(ref, expr, legend, instant=false, format='time_series') = {
    datasource: ds,
    editorMode: 'code',
    expr: expr,
    format: format,
    instant: instant,
    legendFormat: legend,
    range: !instant,
    refId: ref,
  };
  local plain = { mode: 'absolute', steps: [{ color: 'green', value: null }] };
  local stat(id, title, description, unit, x, expr, legend, extra={}, colorMode='value') = {
    datasource: ds,
    description: description,
    fieldConfig: { defaults: { color: { mode: 'thresholds' }, mappings: [], thresholds: plain, unit: unit } + extra, overrides: [] },
    gridPos: { h: 4, w: 4, x: x, y: y + 1 },
    id: id,
    options: {
      colorMode: colorMode,
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      percentChangeColorMode: 'standard',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      showPercentChange: false,
      textMode: 'auto',
      wideLayout: true,
    },
    targets: [target('A', expr, legend, instant=true)],
    title: title,
    type: 'stat',
  };
  local mapping(zero, one, zeroColour='red', oneColour='green') = [{
    options: {
      '0': { color: zeroColour, index: 0, text: zero },
      '1': { color: oneColour, index: 1, text: one },
    },
    type: 'value',
  }];
  local timeline(id, title, description, pos, targets, mappings, overrides=[]) = {
    datasource: ds,
    description: description,
    fieldConfig: {
      defaults: {
        color: { mode: 'thresholds' },
        custom: { fillOpacity: 80, lineWidth: 0 },
        mappings: mappings,
        thresholds: { mode: 'absolute', steps: [{ color: 'text', value: null }] },
        unit: 'none',
      },
      overrides: overrides,
    },
    gridPos: pos,
    id: id,
    options: {
      alignValue: 'left',
      legend: { displayMode: 'list', placement: 'bottom', showLegend: false },
      mergeValues: true,
      rowHeight: 0.9,
      showValue: 'auto',
      tooltip: { mode: 'single', sort: 'none' },
    },
    targets: targets,
    title: title,
    type: 'state-timeline',
  };
  local mapped(name, zero, one) = {
    matcher: { id: 'byName', options: name },
    properties: [{ id: 'mappings', value: mapping(zero, one) }],
  };
  [
    { collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: y }, id: 52, panels: [], title: 'Controller', type: 'row' },
    stat(
      53,
      'Controller says',
      "The Twingate controller's verdict on this host's connector (its Admin API, polled by the exporter that runs the admin_api probe, matched by hostname): ALIVE is what users get. Empty when no poller is scraped or the controller has no connector with this hostname.",
      'none',
      0,
      joined('connector_controller_up', 'hostname'),
      'controller',
      { mappings: mapping('NOT ALIVE', 'ALIVE') },
      colorMode='background',
    ),
    stat(
      54,
      'Last heartbeat age',
      "How long ago the controller last heard from this host's connector; past 5 minutes is ConnectorControllerHeartbeatOld. The controller gives none for a connector that never sent one.",
      's',
      4,
      'time() - %s' % joined('connector_controller_last_heartbeat_timestamp_seconds', 'hostname'),
      'heartbeat age',
      { decimals: 0, thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 120 }, { color: 'red', value: 300 }] } },
    ),
    stat(
      55,
      'Controller uptime',
      'Time ALIVE for the controller since it last became ALIVE (0 while not), kept across exporter restarts by the poller.',
      's',
      8,
      joined('connector_controller_uptime_seconds', 'hostname'),
      'controller uptime',
    ),
    stat(
      56,
      'Controller downtime',
      'Time not ALIVE for the controller (0 while ALIVE), kept across exporter restarts by the poller.',
      's',
      12,
      joined('connector_controller_downtime_seconds', 'hostname'),
      'controller downtime',
    ),
    stat(
      57,
      'Controller state changed',
      "When the controller's state for this connector last changed, as the poller saw it.",
      'dateTimeFromNow',
      16,
      '%s * 1000' % joined('connector_controller_state_change_timestamp_seconds', 'hostname'),
      'changed',
      colorMode='none',
    ),
    {
      datasource: ds,
      description: 'What the controller knows of this connector: its name, version, the public address it comes from and the private addresses it reports. A public address other than the one STUN sees (Host and controller agree) is worth a look.',
      fieldConfig: {
        defaults: {
          color: { mode: 'thresholds' },
          custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: false, inspect: false },
          mappings: [],
          thresholds: plain,
          unit: 'none',
        },
        overrides: [],
      },
      gridPos: { h: 4, w: 4, x: 20, y: y + 1 },
      id: 58,
      options: {
        cellHeight: 'sm',
        footer: { countRows: false, fields: '', reducer: ['sum'], show: false },
        showHeader: true,
      },
      targets: [
        target('A', joined('connector_controller_info', 'connector, version, public_ip'), '', instant=true, format='table'),
        target('B', joined('connector_controller_private_ip_info', 'connector, address'), '', instant=true, format='table'),
      ],
      transformations: [
        { id: 'merge', options: {} },
        {
          id: 'organize',
          options: {
            excludeByName: { Time: true, 'Value #A': true, 'Value #B': true },
            includeByName: {},
            indexByName: { connector: 0, version: 1, public_ip: 2, address: 3 },
            renameByName: { connector: 'Connector', version: 'Version', public_ip: 'Public IP', address: 'Private IP' },
          },
        },
      ],
      title: 'Controller facts',
      type: 'table',
    },
    timeline(
      59,
      'Host and controller',
      "The host's view (its connector process up) over the controller's (ALIVE), and which DEAD state the controller gave when not ALIVE. Host up while the controller says not ALIVE is ConnectorControllerDisagrees: heartbeats or relays do not get through.",
      { h: 6, w: 12, x: 0, y: y + 5 },
      [
        target('A', 'max(connector_up{%s})' % host, 'host'),
        target('B', joined('connector_controller_up', 'hostname'), 'controller'),
        target('C', joined('connector_controller_state', 'state', 'state!="ALIVE"'), '{{state}}'),
      ],
      mapping(' ', 'current', 'transparent', 'red'),
      [mapped('host', 'DOWN', 'UP'), mapped('controller', 'NOT ALIVE', 'ALIVE')],
    ),
    {
      datasource: ds,
      description: "Time since the controller's last heartbeat from this host's connector. A line that keeps climbing while the host says up is heartbeats not reaching the controller (outbound 443, DNS).",
      fieldConfig: {
        defaults: g.lines { decimals: 0, min: 0, unit: 's' },
        overrides: [],
      },
      gridPos: { h: 6, w: 12, x: 12, y: y + 5 },
      id: 60,
      options: g.legendTable,
      targets: [target('A', 'time() - %s' % joined('connector_controller_last_heartbeat_timestamp_seconds', 'connector'), '{{connector}}')],
      title: 'Heartbeat age over time',
      type: 'timeseries',
    },
    timeline(
      61,
      'Host and controller agree',
      "Whether the host's view matches the controller's: up (connector up = ALIVE) and public IP (STUN's address = the controller's publicIP), from the connector:controller_agreement recording rules (they need the shipped rules loaded, and cover a host that polls for its own connector too).",
      { h: 6, w: 24, x: 0, y: y + 11 },
      [
        target('A', 'connector:controller_agreement:up{%s}' % host, 'up'),
        target('B', 'connector:controller_agreement:public_ip{%s}' % host, 'public IP'),
      ],
      mapping('DISAGREE', 'AGREE'),
    ),
  ]
