// The connector-details dashboard's Host row: the row and its panels, in order.
[
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
      "y": 66
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
      "y": 67
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
      "y": 67
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
      "y": 67
    }
  }
]
