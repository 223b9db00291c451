// The fleet-overview dashboard (dashboards/fleet-overview.json is generated from this). Built
// to stay readable at hundreds or thousands of connectors: counts and distributions first (how
// many are in each state, the worst offsets, where the offsets lie), one line per connector
// only in the table at the bottom. A variable per grouping label narrows everything to one
// remote network or site.
local g = import 'grafana.libsonnet';

function(c)
  local base = {
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
  ;
  // The grouping labels, matched as the variables say; All matches series without them too.
  local scope = std.join('', [', %s=~"$%s"' % [l, l] for l in c.groupingLabels]);
  local scoped(expr) = std.strReplace(expr, 'instance=~"$instance"', 'instance=~"$instance"' + scope);
  local sel = 'job=~"$job", instance=~"$instance"' + scope;
  // Panels kept from the literal above (the rest are added below).
  local keep = [1, 2, 3, 4, 5, 6, 7, 12, 13, 14];
  local moved = {
    // The per-connector table goes last: a list to search, not a picture of the fleet.
    '7': { gridPos: { h: 12, w: 24, x: 0, y: 37 } },
    '12': { gridPos: { h: 8, w: 8, x: 0, y: 21 } },
    '13': { gridPos: { h: 8, w: 8, x: 8, y: 21 } },
    '14': { gridPos: { h: 8, w: 8, x: 16, y: 21 } },
  };
  local kept = [
    p + std.get(moved, std.toString(p.id), {}) + {
      targets: [t { expr: scoped(super.expr) } for t in p.targets],
    }
    for p in base.panels
    if std.member(keep, p.id)
  ];
  local ds = { type: 'prometheus', uid: '${datasource}' };
  local target(ref, expr, legend, format='time_series', instant=false) = {
    datasource: ds,
    editorMode: 'code',
    expr: expr,
    format: format,
    instant: instant,
    legendFormat: legend,
    range: !instant,
    refId: ref,
  };
  // The heavy panels read the connectors recording rules (mixin/rules/connectors.libsonnet) or
  // every connector's series, as the Aggregates variable ($rules) says. Each such query is
  // `recorded or raw`, and exactly one side selects anything: fleet_rules is a label no series
  // has, so fleet_rules=~".*" keeps every series and =~".+" none, and !~ the reverse. The side
  // switched off is an index lookup that finds nothing. The recorded side knows only the
  // grouping labels: to narrow by instance or job, choose raw.
  local level = std.join('_', c.groupingLabels);
  local recSel(extra) = std.join(', ', ['%s=~"$%s"' % [l, l] for l in c.groupingLabels] + extra + ['fleet_rules=~"$rules"']);
  local rec(levelSuffix, metric, extra=[]) =
    '%s%s:%s{%s}' % [if level == '' then 'fleet' else level, levelSuffix, metric, recSel(extra)];
  local raw = sel + ', fleet_rules!~"$rules"';
  local rawOffset = 'connector_clock_offset_seconds{%s}' % raw;
  local rawTolerance = 'connector_clock_offset_tolerance_seconds{%s}' % raw;
  local state(name, rawExpr) =
    'sum(%s) or count(%s) or vector(0)' % [rec('_state', 'connector_up:count', ['state="%s"' % name]), rawExpr];
  local buckets =
    std.join('\n  or\n', [
      'label_replace(sum(%s) or count(%s <= %s) or vector(0), "le", "%s", "", "")' % [rec('_le', 'connector_clock_offset_seconds:count', ['le="%s"' % b]), rawOffset, b, b]
      for b in c.clockOffsetBuckets
    ] + ['label_replace(sum(%s) or count(%s) or vector(0), "le", "+Inf", "", "")' % [rec('_le', 'connector_clock_offset_seconds:count', ['le="+Inf"']), rawOffset]]);
  local rulesVariable = {
    local recorded = c.dashboardRecordingRules,
    current: { selected: true, text: if recorded then 'recorded' else 'raw', value: if recorded then '.*' else '.+' },
    description: 'Where the heavy panels (the counts across the top, connectors by state, offsets across connectors, the offset heat map, probe failures) get their numbers: recorded reads the recording rules, fast at any fleet size, per remote network and site only; raw computes from every connector\'s series, for a Prometheus without the rules or to narrow by job and instance.',
    hide: 0,
    includeAll: false,
    label: 'Aggregates',
    multi: false,
    name: 'rules',
    options: [
      { selected: recorded, text: 'recorded', value: '.*' },
      { selected: !recorded, text: 'raw', value: '.+' },
    ],
    query: 'recorded : .*,raw : .+',
    skipUrlSync: false,
    type: 'custom',
  };
  local offset = 'connector_clock_offset_seconds{%s}' % sel;
  local tolerance = 'connector_clock_offset_tolerance_seconds{%s}' % sel;
  local network = c.remoteNetworkLabel;
  local added = [
    // The ten worst by name, as a table: sortable, and the names stay readable however long.
    {
      datasource: ds,
      description: "The ten connectors with the largest |clock offset|, worst first; red at the controller's 5 s tolerance, amber from half of it. Click an instance to open its details.",
      fieldConfig: {
        defaults: {
          color: { mode: 'thresholds' },
          custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: false, inspect: false },
          decimals: 3,
          mappings: [],
          thresholds: { mode: 'absolute', steps: [
            { color: 'green', value: null },
            { color: 'orange', value: 2.5 },
            { color: 'red', value: 5 },
          ] },
          unit: 's',
        },
        overrides: [
          {
            matcher: { id: 'byName', options: 'Instance' },
            properties: [{
              id: 'links',
              value: [{
                title: 'Connector details for ${__data.fields.instance}',
                url: '/d/%s/connector-details?var-datasource=${datasource}&var-job=${__data.fields.job:percentencode}&var-instance=${__data.fields.instance:percentencode}&${__url_time_range}' % c.dashboardUIDs.details,
              }],
            }],
          },
          {
            matcher: { id: 'byName', options: '|Offset|' },
            properties: [{ id: 'custom.cellOptions', value: { mode: 'basic', type: 'color-background' } }],
          },
        ],
      },
      gridPos: { h: 9, w: 8, x: 0, y: 12 },
      id: 8,
      options: {
        cellHeight: 'sm',
        footer: { countRows: false, fields: '', reducer: ['sum'], show: false },
        showHeader: true,
        sortBy: [{ desc: true, displayName: '|Offset|' }],
      },
      targets: [target('A', 'max by (job, instance) (topk(10, abs(%s)))' % offset, '', format='table', instant=true)],
      transformations: [{
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          includeByName: {},
          indexByName: { instance: 0, Value: 1, job: 2 },
          renameByName: { instance: 'Instance', Value: '|Offset|', job: 'Job' },
        },
      }],
      title: 'Worst clock offsets',
      type: 'table',
    },
    {
      datasource: ds,
      description: 'Connectors up in each %s, as the redundancy alerts count them (fewer than %d is ConnectorRedundancyLost, none is ConnectorRemoteNetworkDown). Without the label the fleet is one bar.' % [std.strReplace(network, '_', ' '), c.minConnectorsPerRemoteNetwork],
      fieldConfig: {
        defaults: {
          color: { mode: 'thresholds' },
          decimals: 0,
          mappings: [],
          min: 0,
          thresholds: { mode: 'absolute', steps: [
            { color: 'red', value: null },
            { color: 'orange', value: 1 },
            { color: 'green', value: c.minConnectorsPerRemoteNetwork },
          ] },
          unit: 'none',
        },
        overrides: [],
      },
      gridPos: { h: 8, w: 8, x: 0, y: 4 },
      id: 15,
      options: {
        displayMode: 'basic',
        minVizHeight: 10,
        minVizWidth: 0,
        orientation: 'horizontal',
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        showUnfilled: true,
        valueMode: 'color',
      },
      targets: [target('A', 'sort(sum by (%s) (connector_up{%s}))' % [network, sel], '{{%s}}' % network, instant=true)],
      title: 'Connectors up per %s' % std.strReplace(network, '_', ' '),
      type: 'bargauge',
    },
    {
      datasource: ds,
      description: 'How many connectors are in each state over time: up, down (seen running, now stopped), not known (the exporter answers but nothing has seen a connector, e.g. a wrong --connector.process) and exporters that cannot be scraped.',
      fieldConfig: {
        defaults: g.lines { decimals: 0, min: 0, unit: 'none' },
        overrides: [
          g.colour('up', 'green'),
          g.colour('down', 'red'),
          g.colour('not known', 'orange'),
          g.colour('exporter unreachable', 'purple'),
        ],
      },
      gridPos: { h: 8, w: 16, x: 8, y: 4 },
      id: 16,
      options: g.legendTable,
      targets: [
        target('A', state('up', 'connector_up{%s} == 1' % raw), 'up'),
        target('B', state('down', 'connector_up{%s} == 0' % raw), 'down'),
        target('C', state('unknown', 'connector_exporter_build_info{%s} unless on (job, instance) connector_up{%s}' % [raw, raw]), 'not known'),
        target('D', state('exporter_down', 'up{%s} == 0' % raw), 'exporter unreachable'),
      ],
      title: 'Connectors by state',
      type: 'timeseries',
    },
    {
      datasource: ds,
      description: 'Where the offsets lie: the fleet\'s lowest, median and highest offset (connector minus reference; negative = behind), inside the shaded band of ± the largest configured tolerance. One line each, however many connectors; the worst ones by name are in Worst clock offsets.',
      fieldConfig: {
        defaults: g.lines { decimals: 3, unit: 's' },
        overrides: g.toleranceBand,
      },
      gridPos: { h: 9, w: 8, x: 16, y: 12 },
      id: 9,
      options: g.legendTable,
      targets: [
        target('A', 'max(%s) or max(%s)' % [rec('', 'connector_clock_offset_seconds:max'), rawOffset], 'highest'),
        // Recorded, the median is interpolated within the heat map's bands.
        target('B', 'histogram_quantile(0.5, sum by (le) (%s)) or quantile(0.5, %s)' % [rec('_le', 'connector_clock_offset_seconds:count'), rawOffset], 'median'),
        target('C', 'min(%s) or min(%s)' % [rec('', 'connector_clock_offset_seconds:min'), rawOffset], 'lowest'),
        target('D', 'max(%s) or max(%s)' % [rec('', 'connector_clock_offset_tolerance_seconds:max'), rawTolerance], 'tolerance'),
        target('E', '-max(%s) or -max(%s)' % [rec('', 'connector_clock_offset_tolerance_seconds:max'), rawTolerance], '-tolerance'),
      ],
      title: 'Clock offset across connectors',
      type: 'timeseries',
    },
    {
      datasource: ds,
      description: 'How many connectors have an offset in each band over time (darker: more connectors). The bands close in on zero, where the controller is content, and open out toward the ±5 s tolerance.',
      fieldConfig: {
        defaults: {
          custom: {
            hideFrom: { legend: false, tooltip: false, viz: false },
            scaleDistribution: { type: 'linear' },
          },
          thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] },
          unit: 's',
        },
        overrides: [],
      },
      gridPos: { h: 9, w: 8, x: 8, y: 12 },
      id: 17,
      options: {
        calculate: false,
        cellGap: 1,
        color: { exponent: 0.5, fill: 'dark-orange', mode: 'scheme', reverse: false, scale: 'exponential', scheme: 'Oranges', steps: 64 },
        exemplars: { color: 'rgba(255,0,255,0.7)' },
        filterValues: { le: 1e-9 },
        legend: { show: true },
        rowsFrame: { layout: 'auto' },
        tooltip: { mode: 'single', showColorScale: false, yHistogram: false },
        yAxis: { axisPlacement: 'left', reverse: false, unit: 's' },
      },
      targets: [
        target('A', buckets, '{{le}}', format='heatmap'),
      ],
      title: 'Clock offset distribution',
      type: 'heatmap',
    },
  ];
  local traffic(extra) = 'connector_traffic_bytes_total{%s%s}' % [sel, extra];
  local groups = std.join(', ', c.groupingLabels);
  local trafficPanels = [
    // A fixed top ten: bounded however large the fleet. Summed over both directions, so the
    // bars keep no label a link could use; the Connectors table below links to each one.
    {
      datasource: ds,
      description: "The ten connectors whose traffic went through Twingate's relays the most within the time range (both directions), most first. Relayed traffic is slower; where STUN says peer-to-peer is possible it points at a firewall dropping the peers' UDP (ConnectorTrafficRelayedDespiteP2P).",
      fieldConfig: {
        defaults: {
          color: { mode: 'thresholds' },
          mappings: [],
          min: 0,
          noValue: 'none',
          thresholds: { mode: 'absolute', steps: [{ color: 'blue', value: null }] },
          unit: 'bytes',
        },
        overrides: [],
      },
      gridPos: { h: 8, w: 12, x: 0, y: 29 },
      id: 18,
      options: {
        displayMode: 'gradient',
        minVizHeight: 16,
        minVizWidth: 8,
        orientation: 'horizontal',
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        showUnfilled: true,
        valueMode: 'color',
      },
      targets: [target('A', 'topk(10, sum without (direction, transport) (increase(%s[$__range])) > 0)' % traffic(', transport="relay"'), '{{instance}}', instant=true)],
      title: 'Most relayed traffic in range',
      type: 'bargauge',
    },
    // The recording rule's expression over the dashboard's rate interval: one line per group.
    {
      datasource: ds,
      description: 'Share of the bytes that went peer-to-peer, per %s, over all their connectors (each weighted by its traffic); the recording rule remote_network_site:connector_traffic_direct_ratio:ratio_rate15m keeps the same over 15 minutes. No line where nothing moved.' % std.strReplace(std.join(' and ', c.groupingLabels), '_', ' '),
      fieldConfig: {
        defaults: g.lines { decimals: 1, max: 1, min: 0, unit: 'percentunit' },
        overrides: [],
      },
      gridPos: { h: 8, w: 12, x: 12, y: 29 },
      id: 19,
      options: g.legendTable,
      targets: [target(
        'A',
        'sum by (%s) (rate(%s[$__rate_interval])) / (sum by (%s) (rate(%s[$__rate_interval])) > 0)'
        % [groups, traffic(', transport="direct"'), groups, traffic('')],
        std.join(' ', ['{{%s}}' % l for l in c.groupingLabels]),
      )],
      title: 'Direct share per site',
      type: 'timeseries',
    },
  ];
  // The controller's view (the Admin API poller's connector_controller_* series). Its targets
  // are pollers, not connector hosts, so these panels narrow by the controller's own
  // remote_network label (the remote network's name in Twingate: name the target label the
  // same and one variable narrows both views), not by instance or site.
  local ctrl(metric, extra='') =
    '%s{%s%s%s}' % [
      metric,
      c.controllerSelector,
      if std.member(c.groupingLabels, 'remote_network') then ', remote_network=~"$remote_network"' else '',
      if extra == '' then '' else ', ' + extra,
    ];
  local controllerStates = [
    ['ALIVE', 'ALIVE', 'green'],
    ['DEAD_NO_HEARTBEAT', 'No heartbeat', 'red'],
    ['DEAD_HEARTBEAT_TOO_OLD', 'Heartbeat too old', 'red'],
    ['DEAD_NO_RELAYS', 'No relays', 'red'],
    ['unknown', 'Unknown state', 'orange'],
  ];
  local refs = ['A', 'B', 'C', 'D', 'E'];
  // max, not sum, over pollers: two pollers of one network count its connectors once.
  local perNetwork(state) = 'max by (remote_network) (%s)' % ctrl('connector_controller_connectors', 'state="%s"' % state);
  local notAlive = 'unless on (connector_id) %s == 1' % ctrl('connector_controller_up');
  local tableDefaults = {
    color: { mode: 'thresholds' },
    custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: true, inspect: false },
    mappings: [],
    thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] },
    unit: 'none',
  };
  local tableOptions(sortBy) = {
    cellHeight: 'sm',
    footer: { countRows: false, fields: '', reducer: ['sum'], show: false },
    showHeader: true,
    sortBy: sortBy,
  };
  local controllerPanels = [
    {
      datasource: ds,
      description: 'How many connectors the controller (Twingate Admin API) has in each state over time, across the selected remote networks. Anything but ALIVE is a connector users cannot reach through, whatever its host says.',
      fieldConfig: {
        defaults: g.lines { decimals: 0, min: 0, unit: 'none' },
        overrides: [g.colour(s[1], s[2]) for s in controllerStates],
      },
      gridPos: { h: 9, w: 8, x: 0, y: 49 },
      id: 20,
      options: g.legendTable,
      targets: [
        target(refs[i], 'sum(%s)' % perNetwork(controllerStates[i][0]), controllerStates[i][1])
        for i in std.range(0, std.length(controllerStates) - 1)
      ],
      title: 'Controller: connectors by state',
      type: 'timeseries',
    },
    {
      datasource: ds,
      description: 'Per remote network, how many of its connectors the controller has in each state. No ALIVE one is ConnectorControllerRemoteNetworkDown (its resources are unreachable), one is ConnectorControllerRedundancyLost.',
      fieldConfig: {
        defaults: tableDefaults { decimals: 0 },
        overrides: [{
          matcher: { id: 'byName', options: 'ALIVE' },
          properties: [
            { id: 'thresholds', value: { mode: 'absolute', steps: [
              { color: 'red', value: null },
              { color: 'orange', value: 1 },
              { color: 'green', value: c.minConnectorsPerRemoteNetwork },
            ] } },
            { id: 'custom.cellOptions', value: { mode: 'basic', type: 'color-background' } },
          ],
        }],
      },
      gridPos: { h: 9, w: 8, x: 8, y: 49 },
      id: 21,
      options: tableOptions([{ desc: false, displayName: 'ALIVE' }]),
      targets: [
        target(refs[i], perNetwork(controllerStates[i][0]), '', format='table', instant=true)
        for i in std.range(0, std.length(controllerStates) - 1)
      ],
      transformations: [
        { id: 'merge', options: {} },
        {
          id: 'organize',
          options: {
            excludeByName: { Time: true },
            includeByName: {},
            indexByName: { remote_network: 0 } + { ['Value #' + refs[i]]: i + 1 for i in std.range(0, std.length(controllerStates) - 1) },
            renameByName: { remote_network: 'Remote network' } + { ['Value #' + refs[i]]: controllerStates[i][1] for i in std.range(0, std.length(controllerStates) - 1) },
          },
        },
      ],
      title: 'Controller states per remote network',
      type: 'table',
    },
    {
      datasource: ds,
      description: "Every connector the controller does not have ALIVE: its state, how long ago the controller last heard from it (empty when never), its remote network and the hostname it reported. Open the host's details from the Connectors table above by that hostname.",
      fieldConfig: {
        defaults: tableDefaults,
        overrides: [
          {
            matcher: { id: 'byName', options: 'Heartbeat age' },
            properties: [
              { id: 'unit', value: 's' },
              { id: 'decimals', value: 0 },
              { id: 'thresholds', value: { mode: 'absolute', steps: [
                { color: 'green', value: null },
                { color: 'orange', value: 120 },
                { color: 'red', value: 300 },
              ] } },
              { id: 'custom.cellOptions', value: { mode: 'basic', type: 'color-background' } },
            ],
          },
        ],
      },
      gridPos: { h: 9, w: 8, x: 16, y: 49 },
      id: 22,
      options: tableOptions([{ desc: true, displayName: 'Heartbeat age' }]),
      targets: [
        target('A', 'max by (connector, connector_id, remote_network, state) (%s == 1)' % ctrl('connector_controller_state', 'state!="ALIVE"'), '', format='table', instant=true),
        target('B', 'max by (connector, connector_id, remote_network) (time() - %s %s)' % [ctrl('connector_controller_last_heartbeat_timestamp_seconds'), notAlive], '', format='table', instant=true),
        target('C', 'max by (connector, connector_id, remote_network, hostname) (%s %s)' % [ctrl('connector_controller_info'), notAlive], '', format='table', instant=true),
      ],
      transformations: [
        { id: 'merge', options: {} },
        {
          id: 'organize',
          options: {
            excludeByName: { Time: true, connector_id: true, 'Value #A': true, 'Value #C': true },
            includeByName: {},
            indexByName: { connector: 0, state: 1, 'Value #B': 2, remote_network: 3, hostname: 4 },
            renameByName: { connector: 'Connector', state: 'State', 'Value #B': 'Heartbeat age', remote_network: 'Remote network', hostname: 'Hostname' },
          },
        },
      ],
      title: 'Connectors not ALIVE (controller)',
      type: 'table',
    },
  ];
  // Probe failures (kept from the literal) read the recording rule too.
  local failures = '60 * sum by (probe, reason) (%s) or 60 * sum by (probe, reason) (rate(connector_probe_failures_total{%s}[$__rate_interval]))' % [rec('_probe_reason', 'connector_probe_failures:rate5m'), raw];
  // So do the counts across the top: at 10,000 connectors each raw count selects every
  // connector's series on every refresh (bench/fleet.md). Exporters answering are the connector
  // states other than exporter_down.
  local answering = 'sum(%s)' % rec('_state', 'connector_up:count', ['state!="exporter_down"']);
  local counts = {
    '1': '%s or count(connector_exporter_build_info{%s}) or vector(0)' % [answering, raw],
    '2': state('down', 'connector_up{%s} == 0' % raw),
    '3': 'sum(%s) or count(abs(%s) >= 0.5 * %s) or vector(0)' % [rec('', 'connector_clock_offset_seconds:count_near_tolerance'), rawOffset, rawTolerance],
    '4': '(sum(%s) - sum(%s)) or count(connector_p2p_possible{%s} == 0) or vector(0)' % [rec('', 'connector_p2p_possible:count'), rec('', 'connector_p2p_possible:sum'), raw],
    '5': '(%s - (sum(%s) or vector(0))) or count(connector_exporter_build_info{%s} unless on (job, instance) connector_clock_offset_seconds{%s}) or vector(0)' % [answering, rec('', 'connector_clock_offset_seconds:count'), raw, raw],
    '6': state('exporter_down', 'up{%s} == 0' % raw),
  };
  local panels = [
    if p.id == 14 then p { targets: [p.targets[0] { expr: failures }] }
    else if std.objectHas(counts, std.toString(p.id)) then p { targets: [p.targets[0] { expr: counts[std.toString(p.id)] }] }
    else p
    for p in kept
  ] + added + trafficPanels + controllerPanels;
  base {
    uid: c.dashboardUIDs.fleet,
    tags: c.dashboardTags + ['prometheus'],
    __requires: [r for r in super.__requires if r.type != 'panel'] + [
      { id: t, name: g.panelNames[t], type: 'panel', version: '' }
      for t in std.set([p.type for p in panels])
    ],
    panels: std.sort(panels, function(p) p.gridPos.y * 100 + p.gridPos.x),
    templating+: {
      list: [super.list[0], super.list[1]] + [
        g.groupVariable(l)
        for l in c.groupingLabels
      ] + [rulesVariable] + [
        super.list[2] {
          definition: 'label_values(connector_exporter_build_info{job=~"$job"%s}, instance)' % scope,
          query+: { query: 'label_values(connector_exporter_build_info{job=~"$job"%s}, instance)' % scope },
        },
      ],
    },
  }
