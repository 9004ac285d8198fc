//! The binary as a newcomer uses it.
use std::io::Write;
use std::process::{Command, Stdio};

fn bantin(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bantin"));
    cmd.current_dir(dir)
        .env_remove("BANTIN_DATABASE_URL")
        .env_remove("BANTIN_DATA_DIR")
        .env_remove("BANTIN_JWT_SECRET");
    cmd
}

#[test]
fn migrate_demo_and_user_create_work_on_a_bare_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = bantin(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        dir.path().join("data/bantin.db").exists(),
        "the default database is ./data/bantin.db"
    );

    let demo = bantin(dir.path()).arg("demo").output().unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("5 articles"));
    let again = bantin(dir.path()).arg("demo").output().unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("0 articles")
            && String::from_utf8_lossy(&again.stdout).contains("0 ratings"),
        "loading twice adds nothing"
    );

    let mut child = bantin(dir.path())
        .args([
            "user",
            "create",
            "--username",
            "quantri",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"mot-mat-khau-du-dai\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let mut short = bantin(dir.path())
        .args([
            "user",
            "create",
            "--username",
            "ngan",
            "--role",
            "editor",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    short.stdin.take().unwrap().write_all(b"ngan\n").unwrap();
    let out = short.wait_with_output().unwrap();
    assert!(!out.status.success(), "a short password is refused");
}

#[test]
fn a_short_jwt_secret_is_refused_and_a_generated_one_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = bantin(dir.path())
        .arg("serve")
        .env("BANTIN_JWT_SECRET", "too-short")
        .env("BANTIN_BIND", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("at least 32"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut config = bantin::config::Config::for_data_dir(&dir.path().join("data"));
    config.resolve_jwt_secret().unwrap();
    let first = config.jwt_secret.clone();
    assert!(first.len() >= 32);
    let mut again = bantin::config::Config::for_data_dir(&dir.path().join("data"));
    again.resolve_jwt_secret().unwrap();
    assert_eq!(first, again.jwt_secret, "restarts keep tokens valid");
}

#[test]
fn the_openapi_command_prints_the_committed_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = bantin(dir.path()).arg("openapi").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), bantin::openapi::document_json());
}
