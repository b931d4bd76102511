//! The launchers in `deploy/`: the Slurm job array run for real on a one-node cluster, and
//! the Kubernetes manifests checked for structure and for running the very command line the
//! Slurm script runs (Kubernetes itself is not started here).
//!
//! The Slurm test needs `slurmctld`, `slurmd`, `munged` and `sbatch` (Debian: `slurm-wlm`,
//! `munge`) and root (the cluster runs with `SlurmUser=root`). Without them it prints why and
//! passes, unless `PATCHTWIN_REQUIRE_SLURM=1` (set by `.ci/slurm`), when it fails. It starts
//! the daemons with `deploy/slurm/one-node-cluster.sh` on two free ports and stops exactly
//! those daemons, by the pids in their pid files, however the test ends.

use crate::util::{TempDir, patchtwin, workspace_root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SCENARIO: &str = "scenarios/water-treatment.yaml";

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|d| d.join(program).is_file())
            || Path::new("/usr/sbin").join(program).is_file()
    })
}

/// Why a real Slurm cluster cannot be started here, if it cannot.
fn slurm_missing() -> Option<String> {
    for program in ["slurmctld", "slurmd", "munged", "sbatch", "squeue", "sinfo"] {
        if !on_path(program) {
            return Some(format!(
                "`{program}` is not installed (apt-get install slurm-wlm munge)"
            ));
        }
    }
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("the one-node cluster runs its daemons as root; not root".into());
    }
    None
}

/// Two ports nothing listens on now (the kernel's choice), so that concurrent test runs do
/// not collide.
fn free_ports() -> (u16, u16) {
    let a = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let b = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    (
        a.local_addr().expect("addr").port(),
        b.local_addr().expect("addr").port(),
    )
}

/// The daemons of a one-node cluster; dropping it stops them by pid.
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn pid_files(&self) -> [PathBuf; 3] {
        [
            self.dir.join("slurmd.pid"),
            self.dir.join("slurmctld.pid"),
            self.dir.join("munge/munged.pid"),
        ]
    }

    fn log_tail(&self) -> String {
        let mut out = String::new();
        for name in ["slurmctld.log", "slurmd.log"] {
            let text = std::fs::read_to_string(self.dir.join("log").join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            out.push_str(&format!("--- {name}\n"));
            for l in &lines[lines.len().saturating_sub(15)..] {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for f in self.pid_files() {
            let Ok(pid) = std::fs::read_to_string(&f) else {
                continue;
            };
            let pid = pid.trim();
            if pid.parse::<u32>().is_err() {
                continue;
            }
            let _ = Command::new("kill").arg(pid).status();
            // Wait until it is gone (or a zombie nobody reaps), at most 5 s.
            let stat = PathBuf::from(format!("/proc/{pid}/stat"));
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                match std::fs::read_to_string(&stat) {
                    Ok(s) if !s.contains(") Z ") => std::thread::sleep(Duration::from_millis(50)),
                    _ => break,
                }
            }
        }
    }
}

fn slurm_cmd(conf: &Path, program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .env("SLURM_CONF", conf)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

fn summary_without_wall_clock(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("summary.json"))
        .unwrap_or_else(|e| panic!("read {}/summary.json: {e}", dir.display()));
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    v["engine"]
        .as_object_mut()
        .expect("engine")
        .remove("wall_s")
        .expect("wall_s");
    v
}

#[test]
fn the_slurm_job_array_on_a_real_cluster_equals_the_single_run() {
    if let Some(why) = slurm_missing() {
        if std::env::var("PATCHTWIN_REQUIRE_SLURM").as_deref() == Ok("1") {
            panic!("PATCHTWIN_REQUIRE_SLURM=1 but {why}");
        }
        eprintln!("slurm test skipped: {why}");
        return;
    }
    let root = workspace_root();
    let tmp = TempDir::new("slurm");
    let cluster_dir = tmp.path().join("cluster");
    let (ctld, slurmd) = free_ports();
    let up = Command::new(root.join("deploy/slurm/one-node-cluster.sh"))
        .arg(&cluster_dir)
        .arg(ctld.to_string())
        .arg(slurmd.to_string())
        .output()
        .expect("run one-node-cluster.sh");
    // From here on the daemons are stopped whatever happens (pid files exist once started).
    let cluster = Cluster {
        dir: cluster_dir.clone(),
    };
    assert!(
        up.status.success(),
        "the one-node cluster did not start:\n{}{}\n{}",
        String::from_utf8_lossy(&up.stdout),
        String::from_utf8_lossy(&up.stderr),
        cluster.log_tail()
    );
    let conf = cluster_dir.join("slurm.conf");
    let work = tmp.path().join("work");
    let submit = Command::new(root.join("deploy/slurm/submit.sh"))
        .args([SCENARIO, "--parts", "3", "--runs", "12", "--seed", "4"])
        .args(["--throttle", "2", "--workdir"])
        .arg(&work)
        .args(["--", "--observe", "5s"])
        .current_dir(&root)
        .env("SLURM_CONF", &conf)
        .env("PATCHTWIN", env!("CARGO_BIN_EXE_patchtwin"))
        .output()
        .expect("run submit.sh");
    let said = String::from_utf8_lossy(&submit.stdout).into_owned();
    assert!(
        submit.status.success(),
        "submit.sh failed:\n{said}{}",
        String::from_utf8_lossy(&submit.stderr)
    );
    assert!(said.contains("3 tasks, at most 2 at once"), "{said}");
    // The merge job depends on the array (afterok): it is held while parts are queued.
    let deps = slurm_cmd(&conf, "squeue", &["-h", "-o", "%j %E"]);
    let deps = String::from_utf8_lossy(&deps.stdout).into_owned();
    let merge_line = deps.lines().find(|l| l.starts_with("patchtwin-merge"));
    if let Some(line) = merge_line {
        assert!(line.contains("afterok"), "{deps}");
    }
    let start = Instant::now();
    loop {
        let q = slurm_cmd(&conf, "squeue", &["-h"]);
        if q.status.success() && q.stdout.is_empty() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(240),
            "jobs still queued after 240 s:\n{}\n{}",
            String::from_utf8_lossy(&q.stdout),
            cluster.log_tail()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let log =
        |name: &str| std::fs::read_to_string(work.join("logs").join(name)).unwrap_or_default();
    for k in 1..=3 {
        assert!(
            work.join(format!("parts/part-{k}-of-3.ptpart")).is_file(),
            "part {k} missing; its log:\n{}",
            log(&format!("part-{k}.log"))
        );
        assert!(
            log(&format!("part-{k}.log")).contains(&format!("part {k} of 3")),
            "{}",
            log(&format!("part-{k}.log"))
        );
    }
    assert!(
        work.join("out/summary.json").is_file(),
        "the merge job wrote no outputs; its log:\n{}",
        log("merge.log")
    );
    // The single run, on this machine, with the settings the array used.
    let single = tmp.path().join("single");
    let r = patchtwin(
        &[
            "run",
            SCENARIO,
            "--runs",
            "12",
            "--seed",
            "4",
            "--observe",
            "5s",
            "--threads",
            "2",
            "--out",
            single.to_str().expect("UTF-8"),
        ],
        Duration::from_secs(120),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        summary_without_wall_clock(&work.join("out")),
        summary_without_wall_clock(&single),
        "the Slurm run differs from the single run"
    );
    drop(cluster);
}

// ---- Kubernetes: structure and command line, not a cluster. ----

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(workspace_root().join(path))
        .unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
}

/// `name → value` of the first container's env.
fn env_of(job: &Value) -> Vec<(String, String)> {
    job["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .expect("env list")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("name").to_string(),
                e["value"].as_str().expect("value").to_string(),
            )
        })
        .collect()
}

/// The container's shell script (`command: [/bin/sh, -c, SCRIPT]`).
fn script_of(job: &Value) -> String {
    let command = job["spec"]["template"]["spec"]["containers"][0]["command"]
        .as_array()
        .expect("command list");
    assert_eq!(command[0], "/bin/sh");
    assert_eq!(command[1], "-c");
    command[2].as_str().expect("script").to_string()
}

/// The line of `text` that runs patchtwin.
fn patchtwin_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("\"$PATCHTWIN\" "))
        .collect();
    assert_eq!(lines.len(), 1, "one patchtwin command line in:\n{text}");
    lines[0].to_string()
}

/// Runs `script` with `shell`, `PATCHTWIN=echo` and `env`, and returns what it would have run.
fn dry_run(shell: &str, script: &Path, env: &[(String, String)]) -> String {
    let out = Command::new(shell)
        .arg(script)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("PATCHTWIN", "echo")
        .output()
        .expect("run sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_kubernetes_indexed_job_runs_the_slurm_command_line() {
    let parts = yaml("deploy/k8s/patchtwin-parts.yaml");
    let merge = yaml("deploy/k8s/patchtwin-merge.yaml");
    let pvc = yaml("deploy/k8s/patchtwin-pvc.yaml");
    assert_eq!(parts["apiVersion"], "batch/v1");
    assert_eq!(parts["kind"], "Job");
    let spec = &parts["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    assert!(
        spec["backoffLimitPerIndex"]
            .as_u64()
            .is_some_and(|b| b >= 1)
    );
    let n = spec["completions"].as_u64().expect("completions");
    assert!(
        spec["parallelism"]
            .as_u64()
            .is_some_and(|p| p >= 1 && p <= n)
    );
    // backoffLimitPerIndex requires restartPolicy Never.
    assert_eq!(spec["template"]["spec"]["restartPolicy"], "Never");
    let env = env_of(&parts);
    let get = |env: &[(String, String)], k: &str| {
        env.iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("env {k} missing"))
    };
    assert_eq!(
        get(&env, "PART_N"),
        n.to_string(),
        "PART_N is spec.completions"
    );
    // The parts folder and the scenario are on the shared volume, the same claim for both Jobs.
    for job in [&parts, &merge] {
        let t = &job["spec"]["template"]["spec"];
        assert_eq!(t["containers"][0]["volumeMounts"][0]["mountPath"], "/data");
        assert_eq!(
            t["volumes"][0]["persistentVolumeClaim"]["claimName"],
            pvc["metadata"]["name"]
        );
        assert_eq!(t["restartPolicy"], "Never");
    }
    assert!(get(&env, "PATCHTWIN_PARTS").starts_with("/data/"));
    assert_eq!(pvc["spec"]["accessModes"][0], "ReadWriteMany");
    let script = script_of(&parts);
    assert!(script.contains("JOB_COMPLETION_INDEX"), "{script}");
    // The same line, character for character, as the Slurm scripts'.
    let slurm_part =
        std::fs::read_to_string(workspace_root().join("deploy/slurm/patchtwin-part.sbatch"))
            .expect("read sbatch");
    let slurm_merge =
        std::fs::read_to_string(workspace_root().join("deploy/slurm/patchtwin-merge.sbatch"))
            .expect("read sbatch");
    assert_eq!(patchtwin_line(&script), patchtwin_line(&slurm_part));
    assert_eq!(
        patchtwin_line(&script_of(&merge)),
        patchtwin_line(&slurm_merge)
    );
    // And what it expands to: index 0 of the Indexed Job is array task 1 of the Slurm array,
    // with the same arguments (both scripts run with `PATCHTWIN=echo`).
    let tmp = TempDir::new("k8s");
    let k8s_script = tmp.write("part.sh", script.as_bytes());
    let mut k8s_env = env.clone();
    k8s_env.push(("JOB_COMPLETION_INDEX".into(), "0".into()));
    let k8s = dry_run("sh", &k8s_script, &k8s_env);
    let mut slurm_env: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| k.starts_with("PATCHTWIN_") && k != "PATCHTWIN_THREADS")
        .cloned()
        .collect();
    slurm_env.extend([
        ("SLURM_ARRAY_TASK_ID".into(), "1".into()),
        ("SLURM_ARRAY_TASK_COUNT".into(), n.to_string()),
        ("SLURM_CPUS_PER_TASK".into(), get(&env, "PATCHTWIN_THREADS")),
    ]);
    let slurm = dry_run(
        "bash",
        &workspace_root().join("deploy/slurm/patchtwin-part.sbatch"),
        &slurm_env,
    );
    assert_eq!(k8s, slurm);
    assert!(
        k8s.starts_with(&format!("run /data/scenario.yaml --part 1/{n} --runs ")),
        "{k8s}"
    );
    // The manifest's own arguments are ones `patchtwin run` accepts: its --help names them.
    let help = patchtwin(&["run", "--help"], Duration::from_secs(30)).stdout;
    for word in k8s.split_whitespace().filter(|w| w.starts_with("--")) {
        assert!(help.contains(word), "`patchtwin run` has no option {word}");
    }
}
