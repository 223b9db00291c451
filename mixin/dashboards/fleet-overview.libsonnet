// The fleet-overview dashboard (dashboards/fleet-overview.json is generated from this).
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
    "list": []
  },
  "description": "All Twingate connectors watched by connector-exporter: who is down, whose clock is near the ±5 s limit, who cannot do P2P.",
  "editable": true,
  "fiscalYearStartMonth": 0,
  "graphTooltip": 1,
  "id": null,
  "links": [
    {
      "title": "Connector details",
      "type": "link",
      "icon": "dashboard",
      "tooltip": "One connector",
      "url": "/d/connector-exporter-details/connector-details?var-datasource=${datasource}",
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
      "type": "stat",
      "title": "Connectors watched",
      "description": "Exporters reporting in the selected jobs and instances.",
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
                "color": "blue",
                "value": null
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
          "expr": "count(connector_exporter_build_info{job=~\"$job\", instance=~\"$instance\"}) or vector(0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "connectors"
        }
      ],
      "id": 1,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 0,
        "y": 0
      }
    },
    {
      "type": "stat",
      "title": "Connectors down",
      "description": "Connectors whose process is not running.",
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
                "color": "red",
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
          "expr": "count(connector_up{job=~\"$job\", instance=~\"$instance\"} == 0) or vector(0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "down"
        }
      ],
      "id": 2,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 4,
        "y": 0
      }
    },
    {
      "type": "stat",
      "title": "Near the offset limit",
      "description": "Connectors whose |clock offset| is at least half their tolerance (amber or red on the details dashboard).",
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
          "expr": "count(abs(connector_clock_offset_seconds{job=~\"$job\", instance=~\"$instance\"}) >= 0.5 * connector_clock_offset_tolerance_seconds{job=~\"$job\", instance=~\"$instance\"}) or vector(0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "near limit"
        }
      ],
      "id": 3,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 8,
        "y": 0
      }
    },
    {
      "type": "stat",
      "title": "No P2P",
      "description": "Connectors where peer-to-peer is not possible (STUN failing or NAT mapping not endpoint-independent).",
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
          "expr": "count(connector_p2p_possible{job=~\"$job\", instance=~\"$instance\"} == 0) or vector(0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "no p2p"
        }
      ],
      "id": 4,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 12,
        "y": 0
      }
    },
    {
      "type": "stat",
      "title": "No clock offset",
      "description": "Exporters with no offset because no reference server answered.",
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
          "expr": "count(connector_exporter_build_info{job=~\"$job\", instance=~\"$instance\"} unless on (job, instance) connector_clock_offset_seconds{job=~\"$job\", instance=~\"$instance\"}) or vector(0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "no offset"
        }
      ],
      "id": 5,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 16,
        "y": 0
      }
    },
    {
      "type": "stat",
      "title": "Exporters unreachable",
      "description": "Targets of the selected jobs whose last scrape failed: nothing is known about those connectors.",
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
                "color": "red",
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
          "expr": "count(up{job=~\"$job\", instance=~\"$instance\"} == 0) or vector(0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "unreachable"
        }
      ],
      "id": 6,
      "gridPos": {
        "h": 4,
        "w": 4,
        "x": 20,
        "y": 0
      }
    },
    {
      "type": "table",
      "title": "Connectors",
      "description": "One row per exporter. Click an instance to open its details. Columns sort by clicking their header.",
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
        "overrides": [
          {
            "matcher": {
              "id": "byName",
              "options": "Instance"
            },
            "properties": [
              {
                "id": "links",
                "value": [
                  {
                    "title": "Connector details for ${__data.fields.instance}",
                    "url": "/d/connector-exporter-details/connector-details?var-datasource=${datasource}&var-job=${__data.fields.job:percentencode}&var-instance=${__data.fields.instance:percentencode}&${__url_time_range}"
                  }
                ]
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "Connector"
            },
            "properties": [
              {
                "id": "mappings",
                "value": [
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
              "options": "Exporter"
            },
            "properties": [
              {
                "id": "mappings",
                "value": [
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
              "options": "Uptime"
            },
            "properties": [
              {
                "id": "unit",
                "value": "s"
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "Clock offset"
            },
            "properties": [
              {
                "id": "unit",
                "value": "s"
              },
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
                  "type": "color-background",
                  "mode": "basic"
                }
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "P2P"
            },
            "properties": [
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
                  "type": "color-text"
                }
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "Oldest probe result"
            },
            "properties": [
              {
                "id": "unit",
                "value": "s"
              },
              {
                "id": "thresholds",
                "value": {
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
                }
              },
              {
                "id": "custom.cellOptions",
                "value": {
                  "type": "color-text"
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
            "displayName": "Connector",
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
          "expr": "max by (job, instance) (connector_up{job=~\"$job\", instance=~\"$instance\"})",
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
          "expr": "max by (job, instance) (up{job=~\"$job\", instance=~\"$instance\"})",
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
          "expr": "max by (job, instance) (connector_uptime_seconds{job=~\"$job\", instance=~\"$instance\"})",
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
          "expr": "max by (job, instance) (connector_clock_offset_seconds{job=~\"$job\", instance=~\"$instance\"})",
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
          "expr": "max by (job, instance) (connector_p2p_possible{job=~\"$job\", instance=~\"$instance\"})",
          "refId": "E",
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
          "expr": "max by (job, instance, mapping, filtering) (connector_nat_info{job=~\"$job\", instance=~\"$instance\"})",
          "refId": "F",
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
          "expr": "max by (job, instance, address) (topk by (job, instance) (1, connector_public_ip_info{job=~\"$job\", instance=~\"$instance\"}))",
          "refId": "G",
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
          "expr": "max by (job, instance, hostname, container) (connector_host_info{job=~\"$job\", instance=~\"$instance\"})",
          "refId": "H",
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
          "expr": "max by (job, instance) (time() - connector_probe_last_success_timestamp_seconds{job=~\"$job\", instance=~\"$instance\"})",
          "refId": "I",
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
              "Time": true,
              "Value #F": true,
              "Value #G": true,
              "Value #H": true
            },
            "includeByName": {},
            "indexByName": {
              "instance": 0,
              "hostname": 1,
              "Value #A": 2,
              "Value #B": 3,
              "Value #C": 4,
              "Value #D": 5,
              "Value #E": 6,
              "mapping": 7,
              "filtering": 8,
              "address": 9,
              "Value #I": 10,
              "container": 11,
              "job": 12
            },
            "renameByName": {
              "instance": "Instance",
              "hostname": "Hostname",
              "container": "Container",
              "job": "Job",
              "Value #A": "Connector",
              "Value #B": "Exporter",
              "Value #C": "Uptime",
              "Value #D": "Clock offset",
              "Value #E": "P2P",
              "mapping": "NAT mapping",
              "filtering": "NAT filtering",
              "address": "Public IP",
              "Value #I": "Oldest probe result"
            }
          }
        }
      ],
      "id": 7,
      "gridPos": {
        "h": 10,
        "w": 24,
        "x": 0,
        "y": 4
      }
    },
    {
      "type": "bargauge",
      "title": "Worst clock offsets",
      "description": "The ten largest |clock offsets|; the bar is full at the controller's 5 s tolerance. Click a bar for the connector's details.",
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
                "value": 2.5
              },
              {
                "color": "red",
                "value": 5
              }
            ]
          },
          "mappings": [],
          "min": 0,
          "max": 5,
          "links": [
            {
              "title": "Connector details for ${__field.labels.instance}",
              "url": "/d/connector-exporter-details/connector-details?var-datasource=${datasource}&var-job=${__field.labels.job:percentencode}&var-instance=${__field.labels.instance:percentencode}&${__url_time_range}"
            }
          ],
          "decimals": 3
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
          "expr": "topk(10, abs(connector_clock_offset_seconds{job=~\"$job\", instance=~\"$instance\"}))",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "{{instance}}"
        }
      ],
      "id": 8,
      "gridPos": {
        "h": 9,
        "w": 8,
        "x": 0,
        "y": 14
      }
    },
    {
      "type": "timeseries",
      "title": "Clock offset by connector",
      "description": "Offset per connector (connector minus reference; negative = behind). The shaded band is ± the largest configured tolerance.",
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
          },
          {
            "matcher": {
              "id": "byFrameRefID",
              "options": "A"
            },
            "properties": [
              {
                "id": "links",
                "value": [
                  {
                    "title": "Connector details for ${__field.labels.instance}",
                    "url": "/d/connector-exporter-details/connector-details?var-datasource=${datasource}&var-job=${__field.labels.job:percentencode}&var-instance=${__field.labels.instance:percentencode}&${__url_time_range}"
                  }
                ]
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
          "expr": "connector_clock_offset_seconds{job=~\"$job\", instance=~\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{instance}}"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "editorMode": "code",
          "expr": "max(connector_clock_offset_tolerance_seconds{job=~\"$job\", instance=~\"$instance\"})",
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
          "expr": "-max(connector_clock_offset_tolerance_seconds{job=~\"$job\", instance=~\"$instance\"})",
          "refId": "C",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "-tolerance"
        }
      ],
      "id": 9,
      "gridPos": {
        "h": 9,
        "w": 16,
        "x": 8,
        "y": 14
      }
    },
    {
      "type": "state-timeline",
      "title": "Connector up",
      "description": "Up and down per connector.",
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
          },
          "links": [
            {
              "title": "Connector details for ${__field.labels.instance}",
              "url": "/d/connector-exporter-details/connector-details?var-datasource=${datasource}&var-job=${__field.labels.job:percentencode}&var-instance=${__field.labels.instance:percentencode}&${__url_time_range}"
            }
          ]
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
          "expr": "connector_up{job=~\"$job\", instance=~\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{instance}}"
        }
      ],
      "id": 10,
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 0,
        "y": 23
      }
    },
    {
      "type": "state-timeline",
      "title": "P2P possible",
      "description": "Peer-to-peer verdict per connector.",
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
          },
          "links": [
            {
              "title": "Connector details for ${__field.labels.instance}",
              "url": "/d/connector-exporter-details/connector-details?var-datasource=${datasource}&var-job=${__field.labels.job:percentencode}&var-instance=${__field.labels.instance:percentencode}&${__url_time_range}"
            }
          ]
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
          "expr": "connector_p2p_possible{job=~\"$job\", instance=~\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{instance}}"
        }
      ],
      "id": 11,
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 12,
        "y": 23
      }
    },
    {
      "type": "bargauge",
      "title": "Restarts in range",
      "description": "Connectors that restarted within the dashboard time range, most first.",
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
          "min": 0,
          "links": [
            {
              "title": "Connector details for ${__field.labels.instance}",
              "url": "/d/connector-exporter-details/connector-details?var-datasource=${datasource}&var-job=${__field.labels.job:percentencode}&var-instance=${__field.labels.instance:percentencode}&${__url_time_range}"
            }
          ],
          "noValue": "none",
          "decimals": 0
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
          "expr": "topk(10, round(increase(connector_restarts_total{job=~\"$job\", instance=~\"$instance\"}[$__range])) > 0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "{{instance}}"
        }
      ],
      "id": 12,
      "gridPos": {
        "h": 8,
        "w": 8,
        "x": 0,
        "y": 31
      }
    },
    {
      "type": "bargauge",
      "title": "Public IP changes in range",
      "description": "Connectors whose public address changed within the dashboard time range, most first.",
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
          "min": 0,
          "links": [
            {
              "title": "Connector details for ${__field.labels.instance}",
              "url": "/d/connector-exporter-details/connector-details?var-datasource=${datasource}&var-job=${__field.labels.job:percentencode}&var-instance=${__field.labels.instance:percentencode}&${__url_time_range}"
            }
          ],
          "noValue": "none",
          "decimals": 0
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
          "expr": "topk(10, round(increase(connector_public_ip_changes_total{job=~\"$job\", instance=~\"$instance\"}[$__range])) > 0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "{{instance}}"
        }
      ],
      "id": 13,
      "gridPos": {
        "h": 8,
        "w": 8,
        "x": 8,
        "y": 31
      }
    },
    {
      "type": "timeseries",
      "title": "Probe failures by reason",
      "description": "Failed probe runs per minute across the selected connectors, by probe and reason.",
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
          "expr": "60 * sum by (probe, reason) (rate(connector_probe_failures_total{job=~\"$job\", instance=~\"$instance\"}[$__rate_interval]))",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{probe}}: {{reason}}"
        }
      ],
      "id": 14,
      "gridPos": {
        "h": 8,
        "w": 8,
        "x": 16,
        "y": 31
      }
    },
    {
      "type": "bargauge",
      "title": "Most relayed traffic in range",
      "description": "Connectors whose traffic went through Twingate's relays the most within the dashboard time range (both directions), most first. Relayed traffic is slower; where STUN says peer-to-peer is possible it points at a firewall dropping the peers' UDP (ConnectorTrafficRelayedDespiteP2P).",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "fieldConfig": {
        "defaults": {
          "unit": "bytes",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "blue",
                "value": null
              }
            ]
          },
          "mappings": [],
          "min": 0,
          "noValue": "none"
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
          "expr": "topk(10, sum without (direction, transport) (increase(connector_traffic_bytes_total{job=~\"$job\", instance=~\"$instance\", transport=\"relay\"}[$__range])) > 0)",
          "refId": "A",
          "range": false,
          "instant": true,
          "format": "time_series",
          "legendFormat": "{{instance}}"
        }
      ],
      "id": 15,
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 0,
        "y": 39
      }
    },
    {
      "type": "timeseries",
      "title": "Direct share by connector",
      "description": "Share of each connector's bytes that went peer-to-peer, over its exporter's traffic window. Connectors with too little traffic have no line.",
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
          "expr": "connector_traffic_direct_ratio{job=~\"$job\", instance=~\"$instance\"}",
          "refId": "A",
          "range": true,
          "instant": false,
          "format": "time_series",
          "legendFormat": "{{instance}}"
        }
      ],
      "id": 16,
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 12,
        "y": 39
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
        "current": {
          "selected": true,
          "text": [
            "All"
          ],
          "value": [
            "$__all"
          ]
        },
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "definition": "label_values(connector_exporter_build_info, job)",
        "description": "Prometheus jobs that scrape connector-exporter.",
        "hide": 0,
        "includeAll": true,
        "label": "Job",
        "multi": true,
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
        "current": {
          "selected": true,
          "text": [
            "All"
          ],
          "value": [
            "$__all"
          ]
        },
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "definition": "label_values(connector_exporter_build_info{job=~\"$job\"}, instance)",
        "description": "Exporters to include.",
        "hide": 0,
        "includeAll": true,
        "label": "Instance",
        "multi": true,
        "name": "instance",
        "options": [],
        "query": {
          "qryType": 1,
          "query": "label_values(connector_exporter_build_info{job=~\"$job\"}, instance)",
          "refId": "PrometheusVariableQueryEditor-VariableQuery"
        },
        "refresh": 2,
        "regex": "",
        "skipUrlSync": false,
        "sort": 1,
        "type": "query",
        "allValue": ".+"
      }
    ]
  },
  "time": {
    "from": "now-6h",
    "to": "now"
  },
  "timepicker": {},
  "timezone": "",
  "title": "Connector fleet",
  "uid": "connector-exporter-fleet",
  "version": 1,
  "weekStart": ""
}
  + { uid: c.dashboardUIDs.fleet }
