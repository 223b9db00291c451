//! The deployment files: the systemd unit passes `systemd-analyze verify`
//! and keeps its exposure score; the Kubernetes manifests parse and carry
//! what running beside a connector needs; the PrometheusRule is exactly
//! alerts/; the Dockerfile and compose example keep their key properties.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_norway::Value;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(repo(path)).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `value` at a dotted path; list items by index.
fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(value, |v, key| match key.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[key],
        })
}

fn systemd_analyze() -> Option<PathBuf> {
    let found = Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!(
            "skipped: systemd-analyze is missing (Debian package systemd; scripts/install-test-deps.sh installs it)"
        );
    }
    found.then(|| PathBuf::from("systemd-analyze"))
}

const UNIT: &str = "deploy/systemd/connector-exporter.service";

#[test]
fn systemd_unit_verifies() {
    let Some(analyze) = systemd_analyze() else {
        return;
    };
    // verify insists that ExecStart exists: point it at the binary just built.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo(UNIT)).unwrap();
    let binary = common::exporter::binary();
    let unit = dir.path().join("connector-exporter.service");
    std::fs::write(
        &unit,
        text.replace(
            "/usr/local/bin/connector-exporter",
            &binary.to_string_lossy(),
        ),
    )
    .unwrap();
    let out = Command::new(analyze)
        .arg("verify")
        .arg(&unit)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify:\n{stderr}"
    );
}

#[test]
fn systemd_unit_exposure_stays_low() {
    let Some(analyze) = systemd_analyze() else {
        return;
    };
    let out = Command::new(analyze)
        .args(["security", "--offline=true", "--no-pager"])
        .arg(repo(UNIT))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let score: f64 = text
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for connector-exporter.service: ")
                .nth(1)
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no exposure score in:\n{text}"));
    eprintln!("systemd-analyze security: {score}");
    assert!(score <= 2.0, "exposure {score}:\n{text}");
    // The settings the issue names, present as written.
    let unit = std::fs::read_to_string(repo(UNIT)).unwrap();
    for line in [
        "DynamicUser=yes",
        "StateDirectory=connector-exporter",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=\n",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
        "SystemCallFilter=@system-service",
        "--storage.path=/var/lib/connector-exporter",
    ] {
        assert!(unit.contains(line), "unit lacks {line:?}");
    }
}

fn pod_spec(manifest: &Value) -> &Value {
    at(manifest, "spec.template.spec")
}

fn container<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec["containers"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no container {name}"))
}

fn assert_hardened(exporter: &Value, pod: &Value) {
    let context = |key: &str| {
        let own = &exporter["securityContext"][key];
        if own.is_null() {
            pod["securityContext"][key].clone()
        } else {
            own.clone()
        }
    };
    assert_eq!(context("runAsNonRoot"), Value::Bool(true));
    assert_eq!(
        exporter["securityContext"]["allowPrivilegeEscalation"],
        Value::Bool(false)
    );
    assert_eq!(
        exporter["securityContext"]["readOnlyRootFilesystem"],
        Value::Bool(true)
    );
    assert_eq!(
        at(exporter, "securityContext.capabilities.drop.0").as_str(),
        Some("ALL")
    );
    assert_eq!(
        at(exporter, "livenessProbe.httpGet.path").as_str(),
        Some("/-/healthy")
    );
    assert_eq!(
        at(exporter, "readinessProbe.httpGet.path").as_str(),
        Some("/-/ready")
    );
    assert_eq!(at(exporter, "ports.0.containerPort").as_u64(), Some(10150));
    assert_eq!(at(exporter, "ports.0.name").as_str(), Some("metrics"));
}

#[test]
fn kubernetes_daemonset_runs_on_the_host_network_and_pid_namespace() {
    let ds = yaml("deploy/kubernetes/daemonset.yaml");
    assert_eq!(ds["kind"].as_str(), Some("DaemonSet"));
    let pod = pod_spec(&ds);
    assert_eq!(pod["hostNetwork"], Value::Bool(true));
    assert_eq!(pod["hostPID"], Value::Bool(true));
    assert_eq!(pod["dnsPolicy"].as_str(), Some("ClusterFirstWithHostNet"));
    assert_hardened(container(pod, "connector-exporter"), pod);
    assert_eq!(
        at(
            &ds,
            "spec.template.metadata.labels.connector-exporter/scrape"
        )
        .as_str(),
        Some("true")
    );
}

#[test]
fn kubernetes_sidecar_shares_the_connector_pod_process_namespace() {
    let deployment = yaml("deploy/kubernetes/sidecar-deployment.yaml");
    assert_eq!(deployment["kind"].as_str(), Some("Deployment"));
    let pod = pod_spec(&deployment);
    assert_eq!(pod["shareProcessNamespace"], Value::Bool(true));
    assert!(
        container(pod, "connector")["image"]
            .as_str()
            .unwrap()
            .starts_with("twingate/connector")
    );
    assert_hardened(container(pod, "connector-exporter"), pod);
    assert_eq!(
        at(
            &deployment,
            "spec.template.metadata.labels.connector-exporter/scrape"
        )
        .as_str(),
        Some("true")
    );
}

#[test]
fn kubernetes_service_and_service_monitor_fit_together() {
    let service = yaml("deploy/kubernetes/service.yaml");
    let monitor = yaml("deploy/kubernetes/servicemonitor.yaml");
    assert_eq!(service["kind"].as_str(), Some("Service"));
    assert_eq!(
        at(&service, "spec.selector.connector-exporter/scrape").as_str(),
        Some("true")
    );
    assert_eq!(at(&service, "spec.ports.0.port").as_u64(), Some(10150));
    assert_eq!(monitor["kind"].as_str(), Some("ServiceMonitor"));
    assert_eq!(
        at(&monitor, "spec.selector.matchLabels"),
        &service["metadata"]["labels"],
        "the ServiceMonitor must select the Service"
    );
    assert_eq!(
        at(&monitor, "spec.endpoints.0.port"),
        at(&service, "spec.ports.0.name")
    );
    // The job label comes out as "connector-exporter", which the alerts expect.
    let job_label = monitor["spec"]["jobLabel"].as_str().unwrap();
    assert_eq!(
        service["metadata"]["labels"][job_label].as_str(),
        Some("connector-exporter")
    );
}

/// Both files come from the mixin (tests/mixin.rs checks they are fresh); this checks that the
/// manifest carries exactly the rules promtool tests.
#[test]
fn prometheus_rule_is_generated_from_alerts() {
    let rules = yaml("alerts/connector-exporter.rules.yml");
    let manifest = yaml("deploy/kubernetes/prometheusrule.yaml");
    assert_eq!(manifest["kind"].as_str(), Some("PrometheusRule"));
    assert_eq!(
        manifest["spec"]["groups"], rules["groups"],
        "deploy/kubernetes/prometheusrule.yaml is stale: run make mixin"
    );
}

#[test]
fn docker_image_is_multi_stage_non_root_with_a_health_check() {
    let dockerfile = std::fs::read_to_string(repo("deploy/docker/Dockerfile")).unwrap();
    let stages = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .count();
    assert!(stages >= 2, "multi-stage build");
    let user = dockerfile
        .lines()
        .rfind(|l| l.starts_with("USER "))
        .unwrap();
    assert!(!user.contains("root") && !user.contains(" 0"), "{user}");
    assert!(dockerfile.contains("CMD [\"/usr/local/bin/connector-exporter\", \"healthcheck\"]"));
    // The build context holds what cargo needs, and the Dockerfile copies it.
    let ignore = std::fs::read_to_string(repo("deploy/docker/Dockerfile.dockerignore")).unwrap();
    for needed in ["Cargo.toml", "Cargo.lock", "build.rs", "src/"] {
        if repo(needed).exists() {
            assert!(
                ignore.lines().any(|l| l == format!("!{needed}")),
                "{needed} not in the build context"
            );
            let copied = dockerfile
                .lines()
                .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
                .any(|l| l.contains(needed.trim_end_matches('/')));
            assert!(copied, "the Dockerfile does not copy {needed}");
        }
    }
    let compose = yaml("deploy/docker/compose.yaml");
    let exporter = &compose["services"]["connector-exporter"];
    assert_eq!(exporter["pid"].as_str(), Some("service:connector"));
    assert_eq!(exporter["read_only"], Value::Bool(true));
    assert_eq!(at(exporter, "cap_drop.0").as_str(), Some("ALL"));
}

/// kubernetes-validate (PyPI, installed by scripts/install-test-deps.sh)
/// carries the Kubernetes API's JSON schemas: no cluster is needed.
fn kubernetes_validate() -> PathBuf {
    let venv = std::env::var_os("CONNECTOR_EXPORTER_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/connector-exporter/venv")
        });
    let path = venv.join("bin/kubernetes-validate");
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-test-deps.sh",
        path.display()
    );
    path
}

#[test]
fn kubernetes_manifests_validate_against_the_api_schemas() {
    let validate = kubernetes_validate();
    let dir = repo("deploy/kubernetes");
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    manifests.sort();
    let out = Command::new(&validate)
        .args(["--strict", "--no-warn"])
        .args(&manifests)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every core manifest was checked against a schema (the Prometheus
    // operator's kinds have none in it and are checked above by shape).
    for name in [
        "daemonset",
        "service",
        "sidecar-deployment",
        "web-config-secret",
    ] {
        assert!(
            report
                .lines()
                .any(|l| l.contains(&format!("{name}.yaml passed"))),
            "{name}.yaml was not validated:\n{report}"
        );
    }
    // The validator does reject what the API would.
    let broken = tempfile::NamedTempFile::with_suffix(".yaml").unwrap();
    let text = std::fs::read_to_string(dir.join("daemonset.yaml")).unwrap();
    std::fs::write(
        broken.path(),
        text.replace("containerPort: 10150", "containerPort: metrics"),
    )
    .unwrap();
    let out = Command::new(&validate)
        .arg("--strict")
        .arg(broken.path())
        .output()
        .unwrap();
    assert!(!out.status.success(), "a string containerPort passed");
}

#[test]
fn kubernetes_exporters_read_the_web_config_from_a_secret_and_probe_without_credentials() {
    let secret = yaml("deploy/kubernetes/web-config-secret.yaml");
    assert_eq!(secret["kind"].as_str(), Some("Secret"));
    let name = at(&secret, "metadata.name").as_str().unwrap().to_owned();
    let example = std::fs::read_to_string(repo("deploy/web-config.example.yml")).unwrap();
    assert_eq!(
        secret["stringData"]["web-config.yml"].as_str(),
        Some(example.as_str()),
        "the Secret carries deploy/web-config.example.yml"
    );
    for (path, container_name) in [
        ("deploy/kubernetes/daemonset.yaml", "connector-exporter"),
        (
            "deploy/kubernetes/sidecar-deployment.yaml",
            "connector-exporter",
        ),
    ] {
        let manifest = yaml(path);
        let pod = pod_spec(&manifest);
        let volume = pod["volumes"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|v| at(v, "secret.secretName").as_str() == Some(&name))
            .unwrap_or_else(|| panic!("{path}: no volume from Secret {name}"));
        let exporter = container(pod, container_name);
        let mount = exporter["volumeMounts"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|m| m["name"] == volume["name"])
            .unwrap_or_else(|| panic!("{path}: the web config volume is not mounted"));
        let file = format!("{}/web-config.yml", mount["mountPath"].as_str().unwrap());
        let args: Vec<&str> = exporter["args"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|a| a.as_str())
            .collect();
        assert!(
            args.contains(&format!("--web.config.file={file}").as_str()),
            "{path}: {args:?}"
        );
        // TLS is on, so the kubelet probes speak HTTPS (it does not verify
        // the certificate); /-/healthy and /-/ready need no password.
        for probe in ["livenessProbe", "readinessProbe"] {
            assert_eq!(
                at(exporter, &format!("{probe}.httpGet.scheme")).as_str(),
                Some("HTTPS"),
                "{path} {probe}"
            );
        }
    }
}

#[test]
fn the_debian_unit_is_the_shipped_unit_with_a_system_user() {
    let settings = |path: &str| -> Vec<String> {
        std::fs::read_to_string(repo(path))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    let shipped = settings(UNIT);
    let packaged = settings("deploy/debian/connector-exporter.service");
    let expected: Vec<String> = shipped
        .iter()
        .flat_map(|l| match l.as_str() {
            "DynamicUser=yes" => vec![
                "User=connector-exporter".to_owned(),
                "Group=connector-exporter".to_owned(),
            ],
            l => vec![l.replace(
                "/usr/local/bin/connector-exporter",
                "/usr/bin/connector-exporter",
            )],
        })
        .collect();
    assert_eq!(
        packaged, expected,
        "deploy/debian/connector-exporter.service drifted from {UNIT}"
    );
}
