//! `logwarden config init/check` and config errors naming the key and line.

use crate::util::Env;

#[test]
fn init_writes_a_file_that_checks() {
    let env = Env::new();
    let run = env.run(&["config", "init", "-o", "logwarden.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = env.read("logwarden.toml");
    for section in [
        "[fields]",
        "[owners]",
        "[alerts]",
        "[slo]",
        "[cost]",
        "[quality]",
        "[pii]",
    ] {
        assert!(text.contains(section), "{section}");
    }
    assert_eq!(env.run(&["config", "check"]).code, 0);
    assert_eq!(
        env.run(&["config", "init", "-o", "logwarden.toml"]).code,
        2,
        "no silent overwrite"
    );
    assert_eq!(
        env.run(&["config", "init", "-o", "logwarden.toml", "--force"])
            .code,
        0
    );
}

#[test]
fn bad_config_names_key_and_line_and_exits_2() {
    let env = Env::new();
    env.write("bad.toml", "[owners]\nmodel = \"ML\"\nmodle = \"typo\"\n");
    let run = env.run(&["config", "check", "bad.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.toml:3") && run.stderr.contains("modle"),
        "{}",
        run.stderr
    );
    env.write("bad2.toml", "[alerts]\nmin_requests = \"many\"\n");
    let run = env.run(&["config", "check", "bad2.toml"]);
    assert!(run.stderr.contains("bad2.toml:2"), "{}", run.stderr);
    env.write("bad3.toml", "[pii]\ndisable = [\"NOT_A_TYPE\"]\n");
    let run = env.run(&["config", "check", "bad3.toml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("NOT_A_TYPE"), "{}", run.stderr);
    // A scanning command with a bad config fails the same way, before reading input.
    env.write("logwarden.toml", "[fields]\nlatency = \"x\"\n");
    let input = env.write("a.jsonl", "{}\n");
    let run = env.run(&["sli", &input]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("logwarden.toml:2"), "{}", run.stderr);
}
