//! Generates the app's texts from `locales/*.json` (see `src/i18n.rs`), and links the browser app
//! so that it can be split by screen.
//!
//! Every key becomes a method of `I18n` answering in the current language; a text with
//! `{{ name }}` placeholders becomes a method taking those values, in the order the default
//! language (zh-CN) uses them. Both languages must have the same keys and placeholders: a
//! missing translation is a build error, not a blank on a shopper's screen.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::error::Error;
use std::fmt::Write;
use std::path::PathBuf;

/// The languages, default first: (file, `Locale` variant).
const LOCALES: [(&str, &str); 2] = [("zh-CN", "ZhCn"), ("en", "En")];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    // The browser app is cut into one chunk per screen after linking (scripts/split-app.mjs);
    // wasm-split reads the linker's relocations to do it.
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
    let mut locales = Vec::new();
    for (file, variant) in LOCALES {
        let path = format!("locales/{file}.json");
        println!("cargo::rerun-if-changed={path}");
        let texts: Map<String, Value> = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .map_err(|e| format!("{path}: {e}"))?;
        locales.push((file, variant, texts));
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    std::fs::write(out.join("texts.rs"), texts_module(&locales)?)?;
    Ok(())
}

fn texts_module(locales: &[(&str, &str, Map<String, Value>)]) -> Result<String, Box<dyn Error>> {
    let (_, _, default) = &locales[0];
    for (file, _, texts) in locales {
        let missing: Vec<_> = default.keys().filter(|k| !texts.contains_key(*k)).collect();
        let extra: Vec<_> = texts.keys().filter(|k| !default.contains_key(*k)).collect();
        if !missing.is_empty() || !extra.is_empty() {
            return Err(
                format!("locales/{file}.json: missing {missing:?}, unknown {extra:?}").into(),
            );
        }
    }
    let mut code = String::from("impl I18n {\n");
    for key in default.keys() {
        let text = |texts: &Map<String, Value>| -> Result<String, Box<dyn Error>> {
            let text = texts[key].as_str().ok_or(format!("{key}: not a string"))?;
            Ok(text.to_string())
        };
        let order = placeholders(&text(default)?);
        let wanted: BTreeSet<_> = order.iter().cloned().collect();
        let mut docs = String::new();
        let mut arms = String::new();
        for (file, variant, texts) in locales {
            let text = text(texts)?;
            let found: BTreeSet<_> = placeholders(&text).into_iter().collect();
            if found != wanted {
                return Err(
                    format!("locales/{file}.json: {key} uses {found:?}, not {wanted:?}").into(),
                );
            }
            writeln!(docs, "    /// {file}: {}", text.replace('\n', " "))?;
            if order.is_empty() {
                writeln!(arms, "            Locale::{variant} => {text:?},")?;
            } else {
                writeln!(
                    arms,
                    "            Locale::{variant} => format!({:?}),",
                    format_string(&text)
                )?;
            }
        }
        let (params, returns) = if order.is_empty() {
            (String::new(), "&'static str")
        } else {
            let params: String = order
                .iter()
                .map(|p| format!(", {p}: impl ::core::fmt::Display"))
                .collect();
            (params, "String")
        };
        writeln!(
            code,
            "{docs}    pub fn {key}(self{params}) -> {returns} {{\n        match self.locale() {{\n{arms}        }}\n    }}\n"
        )?;
    }
    code.push_str("}\n");
    Ok(code)
}

/// The `{{ name }}` placeholders of a text, in order of first use.
fn placeholders(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        let name = rest[start + 2..start + end].trim().to_string();
        if !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[start + end + 2..];
    }
    names
}

/// A text as a `format!` string: braces escaped, `{{ name }}` as `{name}`.
fn format_string(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        out.push('{');
        out.push_str(rest[start + 2..start + end].trim());
        out.push('}');
        rest = &rest[start + end + 2..];
    }
    out.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    out
}
