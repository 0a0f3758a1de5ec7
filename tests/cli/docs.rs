//! The docs stay true to the code. Every CSV a command writes has its columns documented once,
//! in `docs/commands/*.md`, as one line ``Columns of `FILE`: `a, b, c` `` (`{by}` standing for
//! the `--by` dimensions), and that list must equal the header the real binary writes on `gen`
//! data; each command's page names every file the command writes; every relative link in
//! README.md, ARCHITECTURE.md and docs/**/*.md resolves (anchors included); no code fence is
//! left open.

use crate::util::{csv_header, manifest_dir, Env};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// Pages other parts of the project write; a link to one of them is fine before it exists.
const WRITTEN_ELSEWHERE: [&str; 3] = ["docs/review.md", "docs/pii.md", "docs/formats.md"];

/// The stand-in for the `--by` dimension columns in a documented column list.
const BY: &str = "{by}";

/// The documented header of one file: the page that documents it and its columns.
struct Documented {
    page: String,
    columns: Vec<String>,
}

/// Every ``Columns of `FILE`: `…` `` line of `docs/commands/*.md`, by file; a file documented
/// twice is an error (one definition per file).
fn documented_columns() -> BTreeMap<String, Documented> {
    let dir = manifest_dir().join("docs/commands");
    let mut out: BTreeMap<String, Documented> = BTreeMap::new();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    for page in pages {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = line.strip_prefix("Columns of `") else {
                continue;
            };
            let parsed = rest.split_once("`: `").and_then(|(file, cols)| {
                let cols = cols.strip_suffix('`')?;
                Some((file.to_string(), cols))
            });
            let Some((file, cols)) = parsed else {
                panic!(
                    "{name}:{}: expected ``Columns of `FILE`: `a, b, c` ``",
                    i + 1
                );
            };
            let columns: Vec<String> = cols.split(',').map(|c| c.trim().to_string()).collect();
            assert!(
                columns.iter().all(|c| !c.is_empty() && !c.contains(' ')),
                "{name}:{}: a column list is names separated by \", \"",
                i + 1
            );
            if let Some(first) = out.insert(
                file.clone(),
                Documented {
                    page: name.clone(),
                    columns,
                },
            ) {
                panic!(
                    "{file} is documented in {} and again in {name}:{}",
                    first.page,
                    i + 1
                );
            }
        }
    }
    assert!(out.len() >= 17, "found only {:?}", out.keys());
    out
}

/// A documented column list with `{by}` replaced by the dimensions of the run.
fn expand(columns: &[String], dims: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for c in columns {
        if c == BY {
            out.extend(dims.iter().map(|d| d.to_string()));
        } else {
            out.push(c.clone());
        }
    }
    out
}

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            // The marker of an output folder, documented once in docs/commands/README.md.
            if path.file_name().is_some_and(|n| n == ".logwarden-output") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// The name a written file is documented under: the export's partitions share one.
fn doc_key(rel: &str) -> String {
    match rel.split_once('/') {
        Some((dir, file)) if dir.starts_with("date=") => format!("date=YYYY-MM-DD/{file}"),
        _ => rel.to_string(),
    }
}

/// Runs the binary and checks every CSV it wrote under `dir` against the docs, and that the
/// command's page names every file. Returns the documented names it saw.
fn check_run(
    env: &Env,
    docs: &BTreeMap<String, Documented>,
    page: &str,
    args: &[&str],
    dir: &str,
    dims: &[&str],
) -> BTreeSet<String> {
    let run = env.run(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    let page_text = std::fs::read_to_string(manifest_dir().join("docs/commands").join(page))
        .unwrap_or_else(|e| panic!("docs/commands/{page}: {e}"));
    let mut seen = BTreeSet::new();
    let files = files_under(&env.path(dir));
    assert!(!files.is_empty(), "{args:?} wrote nothing under {dir}");
    for rel in files {
        let key = doc_key(&rel);
        assert!(
            page_text.contains(&format!("`{key}`")),
            "docs/commands/{page} does not name `{key}`, which `{}` writes",
            args.join(" ")
        );
        if rel.ends_with(".csv") {
            let doc = docs.get(&key).unwrap_or_else(|| {
                panic!(
                    "{key} (written by `{}`) has no ``Columns of `{key}`: `…` `` line in docs/commands/",
                    args.join(" ")
                )
            });
            let header = csv_header(&env.read(&format!("{dir}/{rel}")));
            assert_eq!(
                header,
                expand(&doc.columns, dims),
                "{key}: the header `{}` writes differs from docs/commands/{}",
                args.join(" "),
                doc.page
            );
        }
        seen.insert(key);
    }
    seen
}

#[test]
fn every_csv_header_matches_its_documented_columns() {
    let docs = documented_columns();
    let env = Env::new();
    let gen = env.run(&[
        "gen",
        "--records",
        "3000",
        "--truth",
        "truth.csv",
        "-o",
        "logs.jsonl",
    ]);
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    let mut seen = BTreeSet::new();

    let truth = docs
        .get("--truth FILE")
        .expect("gen's --truth file documented");
    assert_eq!(truth.page, "gen.md");
    assert_eq!(csv_header(&env.read("truth.csv")), truth.columns);
    seen.insert("--truth FILE".to_string());

    let by = ["model", "tenant"];
    let runs: [(&str, &[&str], &str, &[&str]); 7] = [
        (
            "sli.md",
            &["sli", "--by", "day,model,tenant", "logs.jsonl", "-o", "sli"],
            "sli",
            &by,
        ),
        (
            "slo.md",
            &["slo", "--compare", "version", "logs.jsonl", "-o", "slo"],
            "slo",
            &[],
        ),
        (
            "cost.md",
            &[
                "cost",
                "--by",
                "day,model,tenant",
                "logs.jsonl",
                "-o",
                "cost",
            ],
            "cost",
            &by,
        ),
        ("pii.md", &["pii", "logs.jsonl", "-o", "pii"], "pii", &[]),
        (
            "review.md",
            &["review", "logs.jsonl", "-o", "review"],
            "review",
            &[],
        ),
        (
            "report.md",
            &[
                "report",
                "--by",
                "hour,version",
                "logs.jsonl",
                "-o",
                "report",
            ],
            "report",
            &["version"],
        ),
        (
            "export.md",
            &[
                "export",
                "--output-format",
                "csv",
                "logs.jsonl",
                "-o",
                "export",
            ],
            "export",
            &[],
        ),
    ];
    for (page, args, dir, dims) in runs {
        seen.extend(check_run(&env, &docs, page, args, dir, dims));
    }
    let stale: Vec<&String> = docs.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        stale.is_empty(),
        "documented but written by no command: {stale:?}"
    );
}

/// The markdown files whose links and fences are checked, relative to the package.
fn markdown_files() -> Vec<String> {
    let root = manifest_dir();
    let mut out = vec!["README.md".to_string(), "ARCHITECTURE.md".to_string()];
    for f in files_under(&root.join("docs")) {
        if f.ends_with(".md") {
            out.push(format!("docs/{f}"));
        }
    }
    out
}

/// The lines of a markdown file outside fenced code blocks; panics on a fence left open.
fn prose_lines(rel: &str, text: &str) -> Vec<(usize, String)> {
    let mut open: Option<usize> = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            open = match open {
                Some(_) => None,
                None => Some(i + 1),
            };
            continue;
        }
        if open.is_none() {
            out.push((i + 1, line.to_string()));
        }
    }
    if let Some(at) = open {
        panic!("{rel}:{at}: code fence never closed");
    }
    out
}

/// The targets of the inline links and images on a line: `[text](target)`.
fn link_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else { break };
        let target = after[..end].split_whitespace().next().unwrap_or("");
        out.push(target.to_string());
        rest = &after[end..];
    }
    out
}

/// GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c.to_lowercase().next().unwrap_or(c)),
            _ => None,
        })
        .collect()
}

/// The anchors of a markdown file's headings.
fn anchors(rel: &str, text: &str) -> BTreeSet<String> {
    prose_lines(rel, text)
        .into_iter()
        .filter_map(|(_, l)| {
            let t = l.trim_start();
            let h = t.trim_start_matches('#');
            (t.starts_with('#') && h.starts_with(' ')).then(|| slug(h))
        })
        .collect()
}

/// `base/target` with `.` and `..` resolved, relative to the package (None when it leaves it).
fn resolve(base: &Path, target: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = Vec::new();
    for c in base.join(target).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    Some(parts.iter().collect())
}

#[test]
fn relative_links_resolve_and_fences_close() {
    let root = manifest_dir();
    let files = markdown_files();
    assert!(files.len() >= 15, "{files:?}");
    let mut checked = 0;
    for rel in &files {
        let text = std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| {
            panic!("{rel}: {e} (README.md, ARCHITECTURE.md and docs/ are checked)")
        });
        let base = Path::new(rel).parent().unwrap_or(Path::new(""));
        for (n, line) in prose_lines(rel, &text) {
            for target in link_targets(&line) {
                if target.is_empty()
                    || target.starts_with("http://")
                    || target.starts_with("https://")
                    || target.starts_with("mailto:")
                {
                    continue;
                }
                let (path, anchor) = match target.split_once('#') {
                    Some((p, a)) => (p, Some(a)),
                    None => (target.as_str(), None),
                };
                let dest = if path.is_empty() {
                    PathBuf::from(rel)
                } else {
                    resolve(base, path)
                        .unwrap_or_else(|| panic!("{rel}:{n}: `{target}` leaves the repository"))
                };
                let dest_str = dest.to_string_lossy().replace('\\', "/");
                checked += 1;
                if !root.join(&dest).exists() {
                    assert!(
                        WRITTEN_ELSEWHERE.contains(&dest_str.as_str()),
                        "{rel}:{n}: `{target}` points at {dest_str}, which does not exist"
                    );
                    continue;
                }
                if let Some(anchor) = anchor {
                    if dest_str.ends_with(".md") {
                        let dest_text = std::fs::read_to_string(root.join(&dest)).unwrap();
                        assert!(
                            anchors(&dest_str, &dest_text).contains(anchor),
                            "{rel}:{n}: `{target}`: {dest_str} has no heading #{anchor}"
                        );
                    }
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} links checked");
}

#[test]
fn readme_holds_the_ci_test_command() {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).unwrap();
    assert!(
        readme.lines().any(|l| l.trim() == "cargo test --release"),
        "README.md must hold the line `cargo test --release`: .ci/run runs exactly the README's test command"
    );
    let ci = std::fs::read_to_string(manifest_dir().join(".ci/run")).unwrap();
    assert!(ci.lines().any(|l| l.trim() == "cargo test --release"));
}

#[test]
fn slugs_follow_github() {
    assert_eq!(slug(" `skipped.csv`"), "skippedcsv");
    assert_eq!(slug(" 5. Run it every night"), "5-run-it-every-night");
    assert_eq!(slug(" Alerts from `cost`"), "alerts-from-cost");
    assert_eq!(slug(" `[fields]`"), "fields");
    assert_eq!(slug(" `cost_anomalies.csv`"), "cost_anomaliescsv");
    assert_eq!(
        link_targets("see [a](x.md#y) and ![b](../c.png \"t\")"),
        ["x.md#y", "../c.png"]
    );
}
