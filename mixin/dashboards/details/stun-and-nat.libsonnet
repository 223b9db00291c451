// The connector-details dashboard's STUN and NAT row: the row and its panels, in order.
[
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
  }
]
