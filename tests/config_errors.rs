#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every bad config in `fixtures/config/` stops the binary before it touches the terminal,
//! with the file, line, column and problem exactly as in the matching `.expected` file.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    run_at(dir, home.path(), args)
}

/// The binary in `dir`, with `home` as its config and data folder, no key and no terminal.
fn run_at<S: AsRef<std::ffi::OsStr>>(dir: &Path, home: &Path, args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .current_dir(dir)
        .env_remove("OPENROUTER_API_KEY")
        .env_remove("SWITCHBOARD_CONFIG")
        .env("SWITCHBOARD_HOME", home)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn every_bad_config_is_reported_with_its_position() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|e| panic!("{name} has no .expected file: {e}"));
        let out = run(&dir, &["--config", name]);
        assert_eq!(out.status.code(), Some(2), "{name}: exit status");
        assert!(out.stdout.is_empty(), "{name}: nothing may be drawn");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim_end(),
            format!("error: {}", expected.trim_end()),
            "{name}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixtures found");
}

#[test]
fn a_named_config_that_does_not_exist_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--config", "nowhere.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: nowhere.toml: cannot read the config file:"),
        "{stderr}"
    );
}

#[test]
fn a_failing_key_command_is_reported_before_the_terminal_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "[providers.openrouter]\napi_key_env = \"SWITCHBOARD_TEST_NO_SUCH_VAR\"\napi_key_cmd = \"echo locked >&2; exit 1\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["--config", "c.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("provider `openrouter`: api_key_cmd") && stderr.contains("locked"),
        "{stderr}"
    );
}

#[test]
fn too_many_models_and_bad_model_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = Vec::new();
    for _ in 0..17 {
        args.extend(["-m", "sim/swift"]);
    }
    let out = run(dir.path(), &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 16 panes"));
    let out = run(dir.path(), &["-m", "has space"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`has space` is not a model id"));
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--model") && help.contains("sim") && help.contains("OPENROUTER_API_KEY")
    );
    let out = run(dir.path(), &["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("switchboard {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_theme_or_a_broken_user_theme_stops_before_the_screen_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--theme", "neon"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "--theme: unknown theme `neon`; themes: dark, high-contrast, light, solarized"
        ),
        "{stderr}"
    );

    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("themes")).unwrap();
    std::fs::write(
        home.path().join("themes/mine.toml"),
        "[roles]\ntitle = { mods = [\"blinking\"] }\n",
    )
    .unwrap();
    let out = run_at(dir.path(), home.path(), &[] as &[&str]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("themes/mine.toml: roles.title.mods: `blinking` is not one of"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// Every case in `fixtures/bad/`: `args.json` (the command line), any files it names, an
/// optional `home/` (config folder: themes, prompts), and the exact `expected` stderr and exit
/// `code`. `{home}` in `expected` stands for the config folder.
#[test]
fn every_bad_input_fixture_fails_clearly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let case = entry.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let work = tempfile::tempdir().unwrap();
        copy_dir(&case, work.path());
        let home = work.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let args: Vec<String> =
            serde_json::from_str(&std::fs::read_to_string(case.join("args.json")).unwrap())
                .unwrap();
        let out = run_at(work.path(), &home, &args);
        let stderr =
            String::from_utf8_lossy(&out.stderr).replace(&*home.to_string_lossy(), "{home}");
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        let code: i32 = std::fs::read_to_string(case.join("code"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_ne!(code, 0, "{name}: a bad input fails");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{name}: exit status; {stderr}"
        );
        assert_eq!(stderr, expected, "{name}");
        assert!(stderr.starts_with("error: "), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}");
        assert!(out.stdout.is_empty(), "{name}: nothing drawn or printed");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} cases found");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[test]
fn a_start_without_a_terminal_prints_only_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["-m", "sim/swift"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "no terminal sequences: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
    assert_eq!(
        stderr.trim_end(),
        "error: the playground needs a terminal to draw on; for scripts use `switchboard run`"
    );
}
