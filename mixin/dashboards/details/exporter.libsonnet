// The connector-details dashboard's Exporter row: the row and its panels, in order.
[
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
      "y": 73
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
      "y": 74
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
      "y": 74
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
      "y": 81
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
      "y": 81
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
      "y": 88
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
      "y": 88
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
      "y": 88
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
      "y": 95
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
      "y": 95
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
      "y": 95
    }
  }
]
