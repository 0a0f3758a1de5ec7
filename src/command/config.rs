//! `logwarden config init` (a commented default `logwarden.toml`) and `logwarden config check`
//! (validate a file: unknown keys and bad values are errors naming the key and line).

use super::Outcome;
use crate::config::Config;
use crate::output::AtomicFile;
use anyhow::bail;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The commented default configuration, every section included.
pub const TEMPLATE: &str = include_str!("config_template.toml");

/// What `config` was asked to do.
#[derive(Debug, Clone)]
pub enum ConfigRequest {
    /// Write the template to a file (refusing to overwrite unless `force`), or stdout.
    Init {
        output: Option<PathBuf>,
        force: bool,
    },
    /// Validate a file (default: the one logwarden would use).
    Check { path: Option<PathBuf> },
}

/// Runs a config subcommand.
pub fn run(req: &ConfigRequest, quiet: bool) -> anyhow::Result<Outcome> {
    match req {
        ConfigRequest::Init { output: None, .. } => {
            crate::output::write_stdout(TEMPLATE.as_bytes())?;
        }
        ConfigRequest::Init {
            output: Some(path),
            force,
        } => {
            if path.exists() && !force {
                bail!(
                    "{}: already exists (use --force to replace it)",
                    path.display()
                );
            }
            let mut f = AtomicFile::create(path)?;
            f.write_all(TEMPLATE.as_bytes())?;
            f.commit()?;
            if !quiet {
                eprintln!("logwarden: wrote {}", path.display());
            }
        }
        ConfigRequest::Check { path } => {
            let path = match path {
                Some(p) => p.clone(),
                None => match Config::locate(None) {
                    Some(p) => p,
                    None => bail!("no configuration file: pass one, set LOGWARDEN_CONFIG, or create ./logwarden.toml (logwarden config init)"),
                },
            };
            check(&path)?;
            if !quiet {
                eprintln!("logwarden: {}: ok", path.display());
            }
        }
    }
    Ok(Outcome::default())
}

/// Loads a file and every part of it that is only checked when used (PII rules).
fn check(path: &Path) -> anyhow::Result<()> {
    let cfg = Config::load(path)?;
    super::pii::PiiSetup::new(&cfg.pii)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses_to_the_defaults() {
        let cfg = Config::parse(TEMPLATE, "template").unwrap();
        assert_eq!(cfg.owners, crate::config::Owners::default());
        assert_eq!(cfg.alerts, crate::config::Alerts::default());
        assert_eq!(cfg.pii, crate::pii::PiiConfig::default());
        let defaults = Config::default();
        assert_eq!(cfg.slo, defaults.slo);
        assert_eq!(cfg.cost, defaults.cost);
        assert_eq!(cfg.quality, defaults.quality);
        assert_eq!(cfg.review, defaults.review);
        assert!(cfg.fields.is_empty());
        assert!(
            cfg.prices.contains_key("gpt-4o*"),
            "config init writes list prices"
        );
    }

    /// Every section of `Config` appears in the template, so `config init` really writes them
    /// all. The section names come from the type itself (serde lists every field it expects
    /// when it rejects an unknown one), not from a hand list that could drift.
    #[test]
    fn template_has_every_section() {
        let err = Config::parse("[no_such_section]\n", "probe")
            .unwrap_err()
            .to_string();
        let expected = err.split("expected one of").nth(1).expect(&err);
        let sections: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        assert!(sections.len() >= 9, "{err}");
        let in_template: Vec<String> = TEMPLATE
            .lines()
            .filter_map(|l| l.strip_prefix('['))
            .filter(|l| !l.starts_with('['))
            .filter_map(|l| l.split(']').next())
            .map(str::to_string)
            .collect();
        for key in &sections {
            assert!(
                in_template.iter().any(|s| s == key),
                "[{key}] missing from the template"
            );
        }
    }

    #[test]
    fn template_examples_parse_when_uncommented() {
        let uncommented: String = TEMPLATE
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if t.starts_with("# ")
                    && (t.contains(" = ") || t.starts_with("# [["))
                    && !t.starts_with("# logwarden")
                {
                    t[2..].split("  #").next().unwrap_or("").to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let cfg = Config::parse(&uncommented, "uncommented").unwrap();
        assert_eq!(cfg.pii.custom.len(), 1);
        assert!(
            cfg.prices.contains_key("gpt-4o*"),
            "the list prices are active"
        );
        assert_eq!(cfg.review.rules.len(), 1);
        assert_eq!(cfg.alerts.monthly_budget_usd, Some(10000.0));
        assert_eq!(cfg.fields.len(), 3);
    }
}
