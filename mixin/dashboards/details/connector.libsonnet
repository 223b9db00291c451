// The connector-details dashboard's Connector row: the row and its panels, in order.
[
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
  }
]
