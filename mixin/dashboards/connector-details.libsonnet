// The connector-details dashboard (dashboards/connector-details.json is generated from this).
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
      },
      {
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "enable": true,
        "hide": false,
        "iconColor": "green",
        "name": "P2P possible (STUN)",
        "expr": "connector_p2p_possible{job=\"$job\", instance=\"$instance\"} == 1",
        "step": "1m",
        "titleFormat": "STUN: peer-to-peer possible",
        "textFormat": "",
        "tagKeys": "",
        "useValueForTime": false,
        "filter": {
          "exclude": false,
          "ids": [
            49,
            50
          ]
        }
      }
    ]
  },
  "description": "One Twingate connector: up/down, clock offset against the controller's ±5 s tolerance, STUN/NAT and P2P, host facts, and the exporter's own health.",
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
  "panels": [
    {
      "type": "row",
      "title": "Connector",
      "collapsed": false,
      "panels": [],
      "id": 1,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 0
      }
    },
    {
      "type": "stat",
      "title": "State",
      "description": "Whether the connector process is running, decided from the process, its systemd unit and its own metrics endpoint.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "DOWN",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "UP",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ]
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_up{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "connector"
        }
      ],
      "id": 2,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 0,
        "y": 1
      }
    },
    {
      "type": "stat",
      "title": "Uptime",
      "description": "Time the connector has been up since its last start (0 while down).",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "colorMode": "value",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_uptime_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "uptime"
        }
      ],
      "id": 3,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 4,
        "y": 1
      }
    },
    {
      "type": "stat",
      "title": "Downtime",
      "description": "Time the connector has been down (0 while up).",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "red",
                "value": 1
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_downtime_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "downtime"
        }
      ],
      "id": 4,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 8,
        "y": 1
      }
    },
    {
      "type": "stat",
      "title": "Restarts in range",
      "description": "Connector starts seen after the first one, within the dashboard time range.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "orange",
                "value": 1
              }
            ]
          },
          "mappings": [],
          "decimals": 0
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "round(increase(connector_restarts_total{job=\"$job\", instance=\"$instance\"}[$__range]))",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "restarts"
        }
      ],
      "id": 5,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 12,
        "y": 1
      }
    },
    {
      "type": "stat",
      "title": "Last state change",
      "description": "When the connector last went up or down.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "dateTimeFromNow",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "colorMode": "none",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_state_change_timestamp_seconds{job=\"$job\", instance=\"$instance\"} * 1000",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "changed"
        }
      ],
      "id": 6,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 16,
        "y": 1
      }
    },
    {
      "type": "stat",
      "title": "Connector process started",
      "description": "Start time of the connector process.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "dateTimeAsIso",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "colorMode": "none",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_process_start_time_seconds{job=\"$job\", instance=\"$instance\"} * 1000",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "started"
        }
      ],
      "id": 7,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 20,
        "y": 1
      }
    },
    {
      "type": "state-timeline",
      "title": "Connector state",
      "description": "Up and down over time.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "DOWN",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "UP",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ],
          "custom": {
            "fillOpacity": 80,
            "lineWidth": 0
          }
        },
        "overrides": []
      },
      "options": {
        "alignValue": "left",
        "mergeValues": true,
        "rowHeight": 0.9,
        "showValue": "auto",
        "legend": {
          "displayMode": "list",
          "placement": "bottom",
          "showLegend": false
        },
        "tooltip": {
          "mode": "single",
          "sort": "none"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_up{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "connector"
        }
      ],
      "id": 8,
      "gridPos": {
        "h": 6,
        "w": 12,
        "x": 0,
        "y": 5
      }
    },
    {
      "type": "state-timeline",
      "title": "Evidence sources",
      "description": "Each liveness source's own verdict: the process, the systemd unit, the connector's metrics endpoint. A source that is unavailable has no row.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "DOWN",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "UP",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ],
          "custom": {
            "fillOpacity": 80,
            "lineWidth": 0
          }
        },
        "overrides": []
      },
      "options": {
        "alignValue": "left",
        "mergeValues": true,
        "rowHeight": 0.9,
        "showValue": "auto",
        "legend": {
          "displayMode": "list",
          "placement": "bottom",
          "showLegend": false
        },
        "tooltip": {
          "mode": "single",
          "sort": "none"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_source_up{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{source}}"
        }
      ],
      "id": 9,
      "gridPos": {
        "h": 6,
        "w": 12,
        "x": 12,
        "y": 5
      }
    },
    {
      "type": "timeseries",
      "title": "Connector process memory",
      "description": "Resident memory of the connector process.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "bytes",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 10,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_process_resident_memory_bytes{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "resident"
        }
      ],
      "id": 10,
      "gridPos": {
        "h": 7,
        "w": 12,
        "x": 0,
        "y": 11
      }
    },
    {
      "type": "timeseries",
      "title": "Connector process CPU",
      "description": "CPU used by the connector process; 100 % is one core.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "percentunit",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 10,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "rate(connector_process_cpu_seconds_total{job=\"$job\", instance=\"$instance\"}[$__rate_interval])",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "cpu"
        }
      ],
      "id": 11,
      "gridPos": {
        "h": 7,
        "w": 12,
        "x": 12,
        "y": 11
      }
    },
    {
      "type": "row",
      "title": "Clock",
      "collapsed": false,
      "panels": [],
      "id": 12,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 18
      }
    },
    {
      "type": "stat",
      "title": "Clock offset",
      "description": "Connector clock minus reference, median across servers. Negative: the connector is behind. The controller tolerates ±5 s; amber from ±2.5 s, red at ±5 s.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "red",
                "value": null
              },
              {
                "color": "orange",
                "value": -4.999
              },
              {
                "color": "green",
                "value": -2.499
              },
              {
                "color": "orange",
                "value": 2.5
              },
              {
                "color": "red",
                "value": 5
              }
            ]
          },
          "mappings": [],
          "decimals": 3
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_offset_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "offset"
        }
      ],
      "id": 13,
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 0,
        "y": 19
      }
    },
    {
      "type": "stat",
      "title": "Offset against tolerance",
      "description": "|offset| as a share of the exporter's configured tolerance (connector_clock_offset_tolerance_seconds): amber from 50 %, red at 100 %.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "percentunit",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "orange",
                "value": 0.5
              },
              {
                "color": "red",
                "value": 1
              }
            ]
          },
          "mappings": [],
          "decimals": 1
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "abs(connector_clock_offset_seconds{job=\"$job\", instance=\"$instance\"}) / connector_clock_offset_tolerance_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "of tolerance"
        }
      ],
      "id": 14,
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 4,
        "y": 19
      }
    },
    {
      "type": "stat",
      "title": "Tolerance",
      "description": "The offset the exporter treats as the limit (default 5 s, the controller's).",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "colorMode": "none",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_offset_tolerance_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "tolerance"
        }
      ],
      "id": 15,
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 8,
        "y": 19
      }
    },
    {
      "type": "stat",
      "title": "Kernel clock synchronized",
      "description": "adjtimex reports the kernel clock as disciplined (NTP/chrony/timesyncd running and locked). Linux only.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "No",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "Yes",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ]
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_kernel_synchronized{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "synchronized"
        }
      ],
      "id": 16,
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 12,
        "y": 19
      }
    },
    {
      "type": "stat",
      "title": "Kernel maximum error",
      "description": "adjtimex maximum error estimate of the kernel clock.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "orange",
                "value": 1
              },
              {
                "color": "red",
                "value": 5
              }
            ]
          },
          "mappings": [],
          "decimals": 3
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_kernel_maxerror_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "max error"
        }
      ],
      "id": 17,
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 16,
        "y": 19
      }
    },
    {
      "type": "stat",
      "title": "Reference servers answering",
      "description": "Reference servers that gave a valid reply in the last round.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "red",
                "value": null
              },
              {
                "color": "orange",
                "value": 1
              },
              {
                "color": "green",
                "value": 2
              }
            ]
          },
          "mappings": [],
          "decimals": 0
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "sum(connector_clock_server_up{job=\"$job\", instance=\"$instance\"})",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "answering"
        }
      ],
      "id": 18,
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 20,
        "y": 19
      }
    },
    {
      "type": "timeseries",
      "title": "Clock offset over time",
      "description": "Selected offset (connector minus reference). The shaded band is ± the tolerance; outside it the controller rejects the connector intermittently.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 0,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "decimals": 3
        },
        "overrides": [
          {
            "matcher": {
              "id": "byName",
              "options": "offset"
            },
            "properties": [
              {
                "id": "color",
                "value": {
                  "mode": "fixed",
                  "fixedColor": "blue"
                }
              },
              {
                "id": "custom.lineWidth",
                "value": 2
              },
              {
                "id": "custom.fillOpacity",
                "value": 0
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "tolerance"
            },
            "properties": [
              {
                "id": "color",
                "value": {
                  "mode": "fixed",
                  "fixedColor": "green"
                }
              },
              {
                "id": "custom.fillBelowTo",
                "value": "-tolerance"
              },
              {
                "id": "custom.fillOpacity",
                "value": 8
              },
              {
                "id": "custom.lineStyle",
                "value": {
                  "fill": "dash",
                  "dash": [
                    10,
                    10
                  ]
                }
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "-tolerance"
            },
            "properties": [
              {
                "id": "color",
                "value": {
                  "mode": "fixed",
                  "fixedColor": "green"
                }
              },
              {
                "id": "custom.fillOpacity",
                "value": 0
              },
              {
                "id": "custom.lineStyle",
                "value": {
                  "fill": "dash",
                  "dash": [
                    10,
                    10
                  ]
                }
              }
            ]
          }
        ]
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_offset_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "offset"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_offset_tolerance_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "B",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "tolerance"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "-connector_clock_offset_tolerance_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "C",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "-tolerance"
        }
      ],
      "id": 19,
      "gridPos": {
        "h": 8,
        "w": 24,
        "x": 0,
        "y": 24
      }
    },
    {
      "type": "timeseries",
      "title": "Offset per server",
      "description": "Offset against each reference server, lowest-delay sample of the round, same sign.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 0,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "decimals": 3
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_server_offset_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{server}}"
        }
      ],
      "id": 20,
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 0,
        "y": 32
      }
    },
    {
      "type": "timeseries",
      "title": "Round-trip time per server",
      "description": "Round-trip delay of the kept sample per reference server.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 0,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_server_rtt_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{server}}"
        }
      ],
      "id": 21,
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 12,
        "y": 32
      }
    },
    {
      "type": "table",
      "title": "Reference servers",
      "description": "Last round per reference server.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "custom": {
            "align": "auto",
            "cellOptions": {
              "type": "auto"
            },
            "filterable": false,
            "inspect": false
          }
        },
        "overrides": [
          {
            "matcher": {
              "id": "byName",
              "options": "Offset"
            },
            "properties": [
              {
                "id": "decimals",
                "value": 3
              },
              {
                "id": "thresholds",
                "value": {
                  "mode": "absolute",
                  "steps": [
                    {
                      "color": "red",
                      "value": null
                    },
                    {
                      "color": "orange",
                      "value": -4.999
                    },
                    {
                      "color": "green",
                      "value": -2.499
                    },
                    {
                      "color": "orange",
                      "value": 2.5
                    },
                    {
                      "color": "red",
                      "value": 5
                    }
                  ]
                }
              },
              {
                "id": "custom.cellOptions",
                "value": {
                  "type": "color-text"
                }
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "Stratum"
            },
            "properties": [
              {
                "id": "unit",
                "value": "none"
              },
              {
                "id": "decimals",
                "value": 0
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "Answering"
            },
            "properties": [
              {
                "id": "unit",
                "value": "none"
              },
              {
                "id": "mappings",
                "value": [
                  {
                    "type": "value",
                    "options": {
                      "0": {
                        "text": "No",
                        "color": "red",
                        "index": 0
                      },
                      "1": {
                        "text": "Yes",
                        "color": "green",
                        "index": 1
                      }
                    }
                  }
                ]
              },
              {
                "id": "custom.cellOptions",
                "value": {
                  "type": "color-background",
                  "mode": "basic"
                }
              }
            ]
          }
        ]
      },
      "options": {
        "cellHeight": "sm",
        "showHeader": true,
        "footer": {
          "show": false,
          "countRows": false,
          "fields": "",
          "reducer": [
            "sum"
          ]
        },
        "sortBy": [
          {
            "displayName": "Server",
            "desc": false
          }
        ]
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max by (server) (connector_clock_server_offset_seconds{job=\"$job\", instance=\"$instance\"})",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "table"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max by (server) (connector_clock_server_rtt_seconds{job=\"$job\", instance=\"$instance\"})",
          "refId": "B",
          "range": false,
          "instant": true,
          "format": "table"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max by (server) (connector_clock_server_stratum{job=\"$job\", instance=\"$instance\"})",
          "refId": "C",
          "range": false,
          "instant": true,
          "format": "table"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max by (server) (connector_clock_server_root_distance_seconds{job=\"$job\", instance=\"$instance\"})",
          "refId": "D",
          "range": false,
          "instant": true,
          "format": "table"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max by (server) (connector_clock_server_up{job=\"$job\", instance=\"$instance\"})",
          "refId": "E",
          "range": false,
          "instant": true,
          "format": "table"
        }
      ],
      "transformations": [
        {
          "id": "merge",
          "options": {}
        },
        {
          "id": "organize",
          "options": {
            "excludeByName": {
              "Time": true
            },
            "includeByName": {},
            "indexByName": {
              "server": 0,
              "Value #A": 1,
              "Value #B": 2,
              "Value #C": 3,
              "Value #D": 4,
              "Value #E": 5
            },
            "renameByName": {
              "server": "Server",
              "Value #A": "Offset",
              "Value #B": "RTT",
              "Value #C": "Stratum",
              "Value #D": "Root distance",
              "Value #E": "Answering"
            }
          }
        }
      ],
      "id": 22,
      "gridPos": {
        "h": 7,
        "w": 16,
        "x": 0,
        "y": 40
      }
    },
    {
      "type": "state-timeline",
      "title": "Reference server answers",
      "description": "Whether each reference server gave a valid reply.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "No",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "Yes",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ],
          "custom": {
            "fillOpacity": 80,
            "lineWidth": 0
          }
        },
        "overrides": []
      },
      "options": {
        "alignValue": "left",
        "mergeValues": true,
        "rowHeight": 0.9,
        "showValue": "auto",
        "legend": {
          "displayMode": "list",
          "placement": "bottom",
          "showLegend": false
        },
        "tooltip": {
          "mode": "single",
          "sort": "none"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_clock_server_up{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{server}}"
        }
      ],
      "id": 23,
      "gridPos": {
        "h": 7,
        "w": 8,
        "x": 16,
        "y": 40
      }
    },
    {
      "type": "row",
      "title": "STUN and NAT",
      "collapsed": false,
      "panels": [],
      "id": 24,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 47
      }
    },
    {
      "type": "stat",
      "title": "P2P possible",
      "description": "STUN works and the NAT mapping is endpoint-independent, so clients can reach the connector peer-to-peer instead of through a relay.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "No",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "Yes",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ]
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_p2p_possible{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "p2p"
        }
      ],
      "id": 25,
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 0,
        "y": 48
      }
    },
    {
      "type": "table",
      "title": "NAT behaviour",
      "description": "RFC 4787 mapping and filtering behaviour seen by the RFC 5780 tests; none means not behind NAT, unknown means no server offered OTHER-ADDRESS.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "custom": {
            "align": "auto",
            "cellOptions": {
              "type": "auto"
            },
            "filterable": false,
            "inspect": false
          }
        },
        "overrides": []
      },
      "options": {
        "cellHeight": "sm",
        "showHeader": true,
        "footer": {
          "show": false,
          "countRows": false,
          "fields": "",
          "reducer": [
            "sum"
          ]
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_nat_info{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "table"
        }
      ],
      "transformations": [
        {
          "id": "organize",
          "options": {
            "excludeByName": {
              "Time": true,
              "__name__": true,
              "job": true,
              "instance": true,
              "Value": true
            },
            "includeByName": {},
            "indexByName": {
              "mapping": 0,
              "filtering": 1
            },
            "renameByName": {
              "mapping": "Mapping",
              "filtering": "Filtering"
            }
          }
        }
      ],
      "id": 26,
      "gridPos": {
        "h": 5,
        "w": 8,
        "x": 4,
        "y": 48
      }
    },
    {
      "type": "table",
      "title": "Public IP",
      "description": "Public address seen by STUN.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "custom": {
            "align": "auto",
            "cellOptions": {
              "type": "auto"
            },
            "filterable": false,
            "inspect": false
          }
        },
        "overrides": []
      },
      "options": {
        "cellHeight": "sm",
        "showHeader": true,
        "footer": {
          "show": false,
          "countRows": false,
          "fields": "",
          "reducer": [
            "sum"
          ]
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_public_ip_info{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "table"
        }
      ],
      "transformations": [
        {
          "id": "organize",
          "options": {
            "excludeByName": {
              "Time": true,
              "__name__": true,
              "job": true,
              "instance": true,
              "Value": true
            },
            "includeByName": {},
            "indexByName": {
              "address": 0,
              "family": 1
            },
            "renameByName": {
              "address": "Address",
              "family": "Family"
            }
          }
        }
      ],
      "id": 27,
      "gridPos": {
        "h": 5,
        "w": 8,
        "x": 12,
        "y": 48
      }
    },
    {
      "type": "stat",
      "title": "Public IP changes in range",
      "description": "Times the public address changed within the dashboard time range.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "orange",
                "value": 1
              }
            ]
          },
          "mappings": [],
          "decimals": 0
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "round(increase(connector_public_ip_changes_total{job=\"$job\", instance=\"$instance\"}[$__range]))",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "changes"
        }
      ],
      "id": 28,
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 20,
        "y": 48
      }
    },
    {
      "type": "state-timeline",
      "title": "STUN success per server",
      "description": "Whether each STUN server answered the Binding request with a valid mapped address.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "No",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "Yes",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ],
          "custom": {
            "fillOpacity": 80,
            "lineWidth": 0
          }
        },
        "overrides": []
      },
      "options": {
        "alignValue": "left",
        "mergeValues": true,
        "rowHeight": 0.9,
        "showValue": "auto",
        "legend": {
          "displayMode": "list",
          "placement": "bottom",
          "showLegend": false
        },
        "tooltip": {
          "mode": "single",
          "sort": "none"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_stun_success{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{server}}"
        }
      ],
      "id": 29,
      "gridPos": {
        "h": 7,
        "w": 12,
        "x": 0,
        "y": 53
      }
    },
    {
      "type": "timeseries",
      "title": "STUN round-trip time per server",
      "description": "Request to response time of the last STUN transaction per server.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 0,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_stun_rtt_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{server}}"
        }
      ],
      "id": 30,
      "gridPos": {
        "h": 7,
        "w": 12,
        "x": 12,
        "y": 53
      }
    },
    {
      "type": "table",
      "title": "STUN servers",
      "description": "Last transaction per STUN server.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "custom": {
            "align": "auto",
            "cellOptions": {
              "type": "auto"
            },
            "filterable": false,
            "inspect": false
          }
        },
        "overrides": [
          {
            "matcher": {
              "id": "byName",
              "options": "Success"
            },
            "properties": [
              {
                "id": "unit",
                "value": "none"
              },
              {
                "id": "mappings",
                "value": [
                  {
                    "type": "value",
                    "options": {
                      "0": {
                        "text": "No",
                        "color": "red",
                        "index": 0
                      },
                      "1": {
                        "text": "Yes",
                        "color": "green",
                        "index": 1
                      }
                    }
                  }
                ]
              },
              {
                "id": "custom.cellOptions",
                "value": {
                  "type": "color-background",
                  "mode": "basic"
                }
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "Mapped port"
            },
            "properties": [
              {
                "id": "unit",
                "value": "none"
              },
              {
                "id": "decimals",
                "value": 0
              }
            ]
          }
        ]
      },
      "options": {
        "cellHeight": "sm",
        "showHeader": true,
        "footer": {
          "show": false,
          "countRows": false,
          "fields": "",
          "reducer": [
            "sum"
          ]
        },
        "sortBy": [
          {
            "displayName": "Server",
            "desc": false
          }
        ]
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max by (server) (connector_stun_success{job=\"$job\", instance=\"$instance\"})",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "table"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max by (server) (connector_stun_rtt_seconds{job=\"$job\", instance=\"$instance\"})",
          "refId": "B",
          "range": false,
          "instant": true,
          "format": "table"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max by (server) (connector_stun_mapped_port{job=\"$job\", instance=\"$instance\"})",
          "refId": "C",
          "range": false,
          "instant": true,
          "format": "table"
        }
      ],
      "transformations": [
        {
          "id": "merge",
          "options": {}
        },
        {
          "id": "organize",
          "options": {
            "excludeByName": {
              "Time": true
            },
            "includeByName": {},
            "indexByName": {
              "server": 0,
              "Value #A": 1,
              "Value #B": 2,
              "Value #C": 3
            },
            "renameByName": {
              "server": "Server",
              "Value #A": "Success",
              "Value #B": "RTT",
              "Value #C": "Mapped port"
            }
          }
        }
      ],
      "id": 31,
      "gridPos": {
        "h": 6,
        "w": 12,
        "x": 0,
        "y": 60
      }
    },
    {
      "type": "state-timeline",
      "title": "P2P possible over time",
      "description": "Changes of the P2P verdict, e.g. after a NAT or firewall change.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "No",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "Yes",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ],
          "custom": {
            "fillOpacity": 80,
            "lineWidth": 0
          }
        },
        "overrides": []
      },
      "options": {
        "alignValue": "left",
        "mergeValues": true,
        "rowHeight": 0.9,
        "showValue": "auto",
        "legend": {
          "displayMode": "list",
          "placement": "bottom",
          "showLegend": false
        },
        "tooltip": {
          "mode": "single",
          "sort": "none"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_p2p_possible{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "p2p"
        }
      ],
      "id": 32,
      "gridPos": {
        "h": 6,
        "w": 12,
        "x": 12,
        "y": 60
      }
    },
    {
      "type": "row",
      "title": "Traffic",
      "collapsed": false,
      "panels": [],
      "id": 48,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 66
      }
    },
    {
      "type": "timeseries",
      "title": "Direct and relayed throughput",
      "description": "Bytes per second the connector moved, both directions, by transport: direct is peer-to-peer, relay goes through Twingate's relays. From the connector's own counters (connector 1.80 or later, --connector.metrics-url). The green band is where STUN says peer-to-peer is possible: relay traffic inside it is the contradiction to look at.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "Bps",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 10,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "mean",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "sum by (transport) (rate(connector_traffic_bytes_total{job=\"$job\", instance=\"$instance\"}[$__rate_interval]))",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{transport}}"
        }
      ],
      "id": 49,
      "gridPos": {
        "h": 8,
        "w": 16,
        "x": 0,
        "y": 67
      }
    },
    {
      "type": "timeseries",
      "title": "Direct share",
      "description": "Share of the connector's bytes that went peer-to-peer over the exporter's traffic window (--connector.traffic-window, 15 m by default); no line while too little moved (--connector.traffic-min-bytes). Below 10 % while STUN says possible (the green band) raises ConnectorTrafficRelayedDespiteP2P.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "percentunit",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 10,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0,
          "max": 1
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_traffic_direct_ratio{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "direct share"
        }
      ],
      "id": 50,
      "gridPos": {
        "h": 8,
        "w": 8,
        "x": 16,
        "y": 67
      }
    },
    {
      "type": "row",
      "title": "Host",
      "collapsed": false,
      "panels": [],
      "id": 33,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 75
      }
    },
    {
      "type": "table",
      "title": "Host facts",
      "description": "Hostname (the container's when in one), container runtime, OS and kernel.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "custom": {
            "align": "auto",
            "cellOptions": {
              "type": "auto"
            },
            "filterable": false,
            "inspect": false
          }
        },
        "overrides": []
      },
      "options": {
        "cellHeight": "sm",
        "showHeader": true,
        "footer": {
          "show": false,
          "countRows": false,
          "fields": "",
          "reducer": [
            "sum"
          ]
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_host_info{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "table"
        }
      ],
      "transformations": [
        {
          "id": "organize",
          "options": {
            "excludeByName": {
              "Time": true,
              "__name__": true,
              "job": true,
              "instance": true,
              "Value": true
            },
            "includeByName": {},
            "indexByName": {
              "hostname": 0,
              "container": 1,
              "os_version": 2,
              "kernel_version": 3
            },
            "renameByName": {
              "hostname": "Hostname",
              "container": "Container",
              "os_version": "OS",
              "kernel_version": "Kernel"
            }
          }
        }
      ],
      "id": 34,
      "gridPos": {
        "h": 6,
        "w": 10,
        "x": 0,
        "y": 76
      }
    },
    {
      "type": "table",
      "title": "Private IP addresses",
      "description": "Every interface address the host sees (loopback and link-local left out by default).",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "custom": {
            "align": "auto",
            "cellOptions": {
              "type": "auto"
            },
            "filterable": false,
            "inspect": false
          }
        },
        "overrides": []
      },
      "options": {
        "cellHeight": "sm",
        "showHeader": true,
        "footer": {
          "show": false,
          "countRows": false,
          "fields": "",
          "reducer": [
            "sum"
          ]
        },
        "sortBy": [
          {
            "displayName": "Interface",
            "desc": false
          }
        ]
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_private_ip_info{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "table"
        }
      ],
      "transformations": [
        {
          "id": "organize",
          "options": {
            "excludeByName": {
              "Time": true,
              "__name__": true,
              "job": true,
              "instance": true,
              "Value": true
            },
            "includeByName": {},
            "indexByName": {
              "interface": 0,
              "address": 1,
              "family": 2
            },
            "renameByName": {
              "interface": "Interface",
              "address": "Address",
              "family": "Family"
            }
          }
        }
      ],
      "id": 35,
      "gridPos": {
        "h": 6,
        "w": 10,
        "x": 10,
        "y": 76
      }
    },
    {
      "type": "stat",
      "title": "Host uptime",
      "description": "Time since the host booted.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "colorMode": "none",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "time() - connector_host_boot_time_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "host uptime"
        }
      ],
      "id": 36,
      "gridPos": {
        "h": 6,
        "w": 4,
        "x": 20,
        "y": 76
      }
    },
    {
      "type": "row",
      "title": "Exporter",
      "collapsed": false,
      "panels": [],
      "id": 37,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 82
      }
    },
    {
      "type": "state-timeline",
      "title": "Probe success",
      "description": "Whether the last run of each probe succeeded.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "failed",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "ok",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ],
          "custom": {
            "fillOpacity": 80,
            "lineWidth": 0
          }
        },
        "overrides": []
      },
      "options": {
        "alignValue": "left",
        "mergeValues": true,
        "rowHeight": 0.9,
        "showValue": "auto",
        "legend": {
          "displayMode": "list",
          "placement": "bottom",
          "showLegend": false
        },
        "tooltip": {
          "mode": "single",
          "sort": "none"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_probe_success{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{probe}}"
        }
      ],
      "id": 38,
      "gridPos": {
        "h": 7,
        "w": 12,
        "x": 0,
        "y": 83
      }
    },
    {
      "type": "timeseries",
      "title": "Probe duration",
      "description": "How long the last run of each probe took.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 0,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_probe_duration_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{probe}}"
        }
      ],
      "id": 39,
      "gridPos": {
        "h": 7,
        "w": 12,
        "x": 12,
        "y": 83
      }
    },
    {
      "type": "timeseries",
      "title": "Probe failures by reason",
      "description": "Failed probe runs per minute, by probe and reason.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "cpm",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "bars",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 60,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "sum",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "60 * sum by (probe, reason) (rate(connector_probe_failures_total{job=\"$job\", instance=\"$instance\"}[$__rate_interval]))",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{probe}}: {{reason}}"
        }
      ],
      "id": 40,
      "gridPos": {
        "h": 7,
        "w": 12,
        "x": 0,
        "y": 90
      }
    },
    {
      "type": "bargauge",
      "title": "Time since last probe success",
      "description": "Age of each probe's last successful result; it should stay within a few probe intervals.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "orange",
                "value": 300
              },
              {
                "color": "red",
                "value": 900
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "displayMode": "gradient",
        "orientation": "horizontal",
        "namePlacement": "auto",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showUnfilled": true,
        "sizing": "auto",
        "valueMode": "color",
        "minVizHeight": 16,
        "minVizWidth": 8,
        "maxVizHeight": 300
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "time() - connector_probe_last_success_timestamp_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "{{probe}}"
        }
      ],
      "id": 41,
      "gridPos": {
        "h": 7,
        "w": 12,
        "x": 12,
        "y": 90
      }
    },
    {
      "type": "timeseries",
      "title": "Exporter CPU",
      "description": "CPU used by connector-exporter itself; 100 % is one core.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "percentunit",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 10,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "rate(process_cpu_seconds_total{job=\"$job\", instance=\"$instance\"}[$__rate_interval])",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "cpu"
        }
      ],
      "id": 42,
      "gridPos": {
        "h": 7,
        "w": 8,
        "x": 0,
        "y": 97
      }
    },
    {
      "type": "timeseries",
      "title": "Exporter memory",
      "description": "Memory of connector-exporter itself.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "bytes",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 0,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "process_resident_memory_bytes{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "resident"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "process_virtual_memory_bytes{job=\"$job\", instance=\"$instance\"}",
          "refId": "B",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "virtual"
        }
      ],
      "id": 43,
      "gridPos": {
        "h": 7,
        "w": 8,
        "x": 8,
        "y": 97
      }
    },
    {
      "type": "timeseries",
      "title": "Exporter file descriptors",
      "description": "Open file descriptors of connector-exporter against its limit.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineInterpolation": "linear",
            "lineWidth": 1,
            "fillOpacity": 0,
            "gradientMode": "none",
            "showPoints": "never",
            "spanNulls": false,
            "axisPlacement": "auto",
            "axisCenteredZero": false,
            "stacking": {
              "group": "A",
              "mode": "none"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "calcs": [
            "lastNotNull",
            "min",
            "max"
          ],
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "process_open_fds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "open"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "process_max_fds{job=\"$job\", instance=\"$instance\"}",
          "refId": "B",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "max"
        }
      ],
      "id": 44,
      "gridPos": {
        "h": 7,
        "w": 8,
        "x": 16,
        "y": 97
      }
    },
    {
      "type": "stat",
      "title": "Exporter scrape",
      "description": "Whether Prometheus' last scrape of this exporter succeeded.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "text",
                "value": null
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "DOWN",
                  "color": "red",
                  "index": 0
                },
                "1": {
                  "text": "UP",
                  "color": "green",
                  "index": 1
                }
              }
            }
          ]
        },
        "overrides": []
      },
      "options": {
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "up{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "scrape"
        }
      ],
      "id": 45,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 0,
        "y": 104
      }
    },
    {
      "type": "stat",
      "title": "Exporter uptime",
      "description": "Time since connector-exporter started.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "colorMode": "none",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "showPercentChange": false,
        "textMode": "auto",
        "wideLayout": true
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "time() - process_start_time_seconds{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "exporter uptime"
        }
      ],
      "id": 46,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 4,
        "y": 104
      }
    },
    {
      "type": "table",
      "title": "Exporter build",
      "description": "Version of connector-exporter and the compiler that built it.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "none",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": [],
          "custom": {
            "align": "auto",
            "cellOptions": {
              "type": "auto"
            },
            "filterable": false,
            "inspect": false
          }
        },
        "overrides": []
      },
      "options": {
        "cellHeight": "sm",
        "showHeader": true,
        "footer": {
          "show": false,
          "countRows": false,
          "fields": "",
          "reducer": [
            "sum"
          ]
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "connector_exporter_build_info{job=\"$job\", instance=\"$instance\"}",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "table"
        }
      ],
      "transformations": [
        {
          "id": "organize",
          "options": {
            "excludeByName": {
              "Time": true,
              "__name__": true,
              "job": true,
              "instance": true,
              "Value": true
            },
            "includeByName": {},
            "indexByName": {
              "version": 0,
              "revision": 1,
              "rustc_version": 2
            },
            "renameByName": {
              "version": "Version",
              "revision": "Revision",
              "rustc_version": "rustc"
            }
          }
        }
      ],
      "id": 47,
      "gridPos": {
        "h": 4,
        "w": 16,
        "x": 8,
        "y": 104
      }
    }
  ],
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
  + { uid: c.dashboardUIDs.details }
