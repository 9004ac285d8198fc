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

#[test]
fn exports_are_private_and_never_overwritten_unasked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    assert!(bantin(dir.path()).arg("demo").output().unwrap().status.success());
    let file = dir.path().join("site.ndjson");
    let export = |force: bool| {
        let mut cmd = bantin(dir.path());
        cmd.args(["export", "-o", file.to_str().unwrap()]);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let out = export(false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "only its owner reads it: it holds password hashes and e-mail addresses"
    );
    std::fs::write(&file, "kept").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = export(false);
    assert!(!again.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept", "not overwritten");
    let forced = export(true);
    assert!(forced.status.success());
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .starts_with("{\"format\":\"bantin-export\",\"version\":4"));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);

    // To standard output: refused into a file others may read (`> site.ndjson`
    // under umask 022), written into one only its owner reads, or a pipe.
    let redirected = |mode: u32| {
        let path = dir.path().join(format!("out-{mode:o}.ndjson"));
        let out = std::fs::File::create(&path).unwrap();
        out.set_permissions(std::fs::Permissions::from_mode(mode)).unwrap();
        let res = bantin(dir.path()).arg("export").stdout(out).output().unwrap();
        (res, std::fs::read_to_string(&path).unwrap())
    };
    let (refused, written) = redirected(0o644);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("-o FILE"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(written, "", "nothing written");
    let (private, written) = redirected(0o600);
    assert!(private.status.success(), "{}", String::from_utf8_lossy(&private.stderr));
    assert!(written.starts_with("{\"format\":\"bantin-export\""));
    let piped = bantin(dir.path()).arg("export").output().unwrap();
    assert!(piped.status.success() && piped.stdout.starts_with(b"{\"format\""));

    // A version-1 file (no personal-data list) still imports.
    let v2 = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = v2.lines().map(str::to_string).collect();
    let mut header: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    header["version"] = 1.into();
    header.as_object_mut().unwrap().remove("personal_data");
    lines[0] = header.to_string();
    let old = dir.path().join("old.ndjson");
    std::fs::write(&old, lines.join("\n")).unwrap();
    let target = tempfile::tempdir().unwrap();
    let out = bantin(target.path())
        .args(["import", old.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
