//! User-defined PII types from `[[pii.custom]]`: a regex plus an optional checksum validator.

use regex::Regex;

use super::{card, iban, push, CustomType, Finding, PiiConfigError, TypeId, BUILTIN};

/// Checksum a custom match must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Validator {
    /// Luhn over the digits of the match (separators ignored).
    Luhn,
    /// ISO 7064 mod-97 over the alphanumerics, IBAN style (first four moved to the end).
    Mod97,
}

/// One compiled custom type.
#[derive(Debug)]
pub(super) struct CustomDetector {
    /// The type id assigned to this custom type.
    pub(super) type_id: TypeId,
    regex: Regex,
    validator: Option<Validator>,
    detector: &'static str,
}

/// Compiles the custom types, numbering them from `first_id`.
pub(super) fn compile(
    types: &[CustomType],
    first_id: usize,
) -> Result<Vec<CustomDetector>, PiiConfigError> {
    let mut out: Vec<CustomDetector> = Vec::with_capacity(types.len());
    for (k, t) in types.iter().enumerate() {
        let invalid = |reason| PiiConfigError::InvalidName {
            name: t.name.clone(),
            reason,
        };
        if t.name.is_empty()
            || !t
                .name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            return Err(invalid("use only letters, digits and '_'"));
        }
        let clash = BUILTIN
            .iter()
            .map(|d| d.name)
            .chain(types[..k].iter().map(|c| c.name.as_str()))
            .any(|n| n.eq_ignore_ascii_case(&t.name));
        if clash {
            return Err(invalid("the name is already used by another type"));
        }
        let type_id =
            TypeId::try_from(first_id + k).map_err(|_| invalid("too many custom types"))?;
        let validator = match t.validator.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) if v.eq_ignore_ascii_case("luhn") => Some(Validator::Luhn),
            Some(v) if v.eq_ignore_ascii_case("mod97") => Some(Validator::Mod97),
            Some(v) => {
                return Err(PiiConfigError::UnknownValidator {
                    name: t.name.clone(),
                    validator: v.to_string(),
                })
            }
        };
        let regex = Regex::new(&t.regex).map_err(|source| PiiConfigError::CustomRegex {
            name: t.name.clone(),
            source,
        })?;
        let detector = match validator {
            None => "custom",
            Some(Validator::Luhn) => "custom+luhn",
            Some(Validator::Mod97) => "custom+mod97",
        };
        out.push(CustomDetector {
            type_id,
            regex,
            validator,
            detector,
        });
    }
    Ok(out)
}

impl CustomDetector {
    /// Appends the validated matches of this type in `text` to `out`.
    pub(super) fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        for m in self.regex.find_iter(text) {
            if m.is_empty() || !self.passes(m.as_str()) {
                continue;
            }
            push(out, m.start(), m.end(), self.type_id, self.detector);
        }
    }

    fn passes(&self, value: &str) -> bool {
        match self.validator {
            None => true,
            Some(Validator::Luhn) => {
                let digits: Vec<u8> = value.bytes().filter(u8::is_ascii_digit).collect();
                digits.len() >= 2 && card::luhn(&digits)
            }
            Some(Validator::Mod97) => {
                let alnum: Vec<u8> = value.bytes().filter(u8::is_ascii_alphanumeric).collect();
                alnum.len() > 4 && iban::mod97(&alnum) == Some(1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CustomType, Detectors, PiiConfig};

    fn ct(name: &str, regex: &str, validator: Option<&str>, secret: bool) -> CustomType {
        CustomType {
            name: name.into(),
            regex: regex.into(),
            validator: validator.map(Into::into),
            secret,
        }
    }

    fn cfg(custom: Vec<CustomType>) -> PiiConfig {
        PiiConfig {
            custom,
            ..PiiConfig::default()
        }
    }

    #[test]
    fn custom_types_get_ids_after_builtins() {
        let d = Detectors::new(&cfg(vec![
            ct("EMPLOYEE_ID", r"\bEMP-\d{6}\b", None, false),
            ct("INTERNAL_TOKEN", r"\bitk_[A-Za-z0-9]{24}\b", None, true),
            ct("ACCOUNT", r"\bACC\d{11}\b", Some("luhn"), false),
        ]))
        .unwrap();
        let first = super::super::BUILTIN_COUNT as u16;
        assert_eq!(d.type_count(), usize::from(first) + 3);
        assert_eq!(d.type_name(first), "EMPLOYEE_ID");
        assert!(!d.is_secret(first) && d.is_secret(first + 1));
        let text =
            "emp EMP-123456 tok itk_abcdefghijABCDEFGHIJ0123 acc ACC79927398713 bad ACC79927398710";
        let mut out = Vec::new();
        d.scan(text, &mut out);
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|f| (d.type_name(f.type_id), &text[f.start..f.end]))
            .collect();
        assert_eq!(
            got,
            [
                ("EMPLOYEE_ID", "EMP-123456"),
                ("INTERNAL_TOKEN", "itk_abcdefghijABCDEFGHIJ0123"),
                ("ACCOUNT", "ACC79927398713"),
            ]
        );
        assert_eq!(out[0].detector, "custom");
        assert_eq!(out[2].detector, "custom+luhn");
    }

    #[test]
    fn mod97_validator_and_disable() {
        let mut c = cfg(vec![ct(
            "BANK",
            r"\b[A-Z]{2}\d{2}-[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{2}\b",
            Some("mod97"),
            false,
        )]);
        let d = Detectors::new(&c).unwrap();
        let mut out = Vec::new();
        d.scan(
            "x DE89-3704-0044-0532-0130-00 y DE88-3704-0044-0532-0130-00",
            &mut out,
        );
        assert_eq!(out.len(), 1);
        // The dashed IBAN is a built-in finding too.
        c.disable = vec!["bank".into(), "iban_code".into()];
        let d = Detectors::new(&c).unwrap();
        out.clear();
        d.scan("x DE89-3704-0044-0532-0130-00 y", &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn config_errors() {
        let e = Detectors::new(&cfg(vec![ct("BAD", "(", None, false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("[pii.custom]") && e.contains("BAD"), "{e}");
        let e = Detectors::new(&cfg(vec![ct("X", "x", Some("crc32"), false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("crc32") && e.contains("validator"), "{e}");
        let e = Detectors::new(&cfg(vec![ct("email_address", "x", None, false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("already used"), "{e}");
        let e = Detectors::new(&cfg(vec![
            ct("A", "x", None, false),
            ct("A", "y", None, false),
        ]))
        .unwrap_err()
        .to_string();
        assert!(e.contains("already used"), "{e}");
        let e = Detectors::new(&cfg(vec![ct("has space", "x", None, false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("letters"), "{e}");
    }
}
