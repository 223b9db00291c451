// The connector-details dashboard's Clock row: the row and its panels, in order.
[
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
  }
]
