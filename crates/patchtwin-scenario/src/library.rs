//! The asset model library: named defaults for asset behaviour (`models/*.yaml`).
//!
//! The library shipped in the repository's `models/` is compiled into the binary, so the tool
//! works from any directory; a directory of model files can extend or override it. Model files
//! are checked like scenarios, with located diagnostics.

use crate::diag::{Diagnostic, Diagnostics};
use crate::raw::{AssetModelFile, BehaviourRaw};
use crate::source::{self, SourceMap};
use patchtwin_model::ModelFile;
use std::collections::BTreeMap;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/builtin_models.rs"));

/// One asset model: its kind and default behaviour.
#[derive(Debug, Clone)]
pub struct AssetModel {
    /// Model name.
    pub id: String,
    /// Asset kind name as written (checked when a scenario uses it).
    pub kind: String,
    /// One-sentence description.
    pub description: String,
    /// Default behaviour.
    pub behaviour: BehaviourRaw,
    /// Where each default comes from.
    pub sources: Vec<String>,
    /// File it was read from.
    pub file: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Whether it is compiled into patchtwin (rather than read from a `models/` folder).
    pub builtin: bool,
}

/// Named asset models.
#[derive(Debug, Clone, Default)]
pub struct ModelLibrary {
    models: BTreeMap<String, AssetModel>,
}

impl ModelLibrary {
    /// The library compiled into the binary from the repository's `models/`.
    pub fn builtin() -> Self {
        let mut lib = ModelLibrary::default();
        for (name, text) in BUILTIN_MODELS {
            // The build checks nothing; a broken shipped model is caught by the test suite
            // (`every_shipped_model_loads`), so here it is skipped rather than fatal.
            let _ = lib.add_text(&format!("models/{name}"), text);
        }
        for m in lib.models.values_mut() {
            m.builtin = true;
        }
        lib
    }

    /// Adds every `*.yaml`/`*.yml`/`*.json` file of `dir`, replacing models of the same id.
    pub fn add_dir(&mut self, dir: &Path) -> Result<usize, Diagnostics> {
        let mut problems = Vec::new();
        let mut entries: Vec<_> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
            Err(e) => {
                return Err(Diagnostics {
                    items: vec![Diagnostic {
                        severity: crate::diag::Severity::Error,
                        file: dir.display().to_string(),
                        loc: None,
                        path: String::new(),
                        message: format!("cannot read the model directory: {e}"),
                        help: None,
                    }],
                    source: None,
                });
            }
        };
        entries.sort();
        let mut added = 0;
        for path in entries {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "yaml" | "yml" | "json") {
                continue;
            }
            let file = path.display().to_string();
            match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => match self.add_text(&file, &text) {
                        Ok(()) => added += 1,
                        Err(d) => problems.extend(d.items.into_iter().map(|mut i| {
                            i.message = format!("{} (asset model)", i.message);
                            i
                        })),
                    },
                    Err(_) => problems.push(Diagnostic {
                        severity: crate::diag::Severity::Error,
                        file,
                        loc: None,
                        path: String::new(),
                        message: "the file is not UTF-8 text".into(),
                        help: None,
                    }),
                },
                Err(e) => problems.push(Diagnostic {
                    severity: crate::diag::Severity::Error,
                    file,
                    loc: None,
                    path: String::new(),
                    message: format!("cannot read: {e}"),
                    help: None,
                }),
            }
        }
        if problems.is_empty() {
            Ok(added)
        } else {
            Err(Diagnostics {
                items: problems,
                source: None,
            })
        }
    }

    /// Parses one model file and adds it.
    pub fn add_text(&mut self, file: &str, text: &str) -> Result<(), Diagnostics> {
        let fail = |items: Vec<Diagnostic>| Diagnostics {
            items,
            source: Some(text.to_string()),
        };
        let (value, map) = source::read(text)
            .map_err(|errs| fail(errs.into_iter().map(|e| e.into_diagnostic(file)).collect()))?;
        let model: AssetModelFile =
            crate::structure::typed(&value, "", file, &map).map_err(|d| fail(vec![d]))?;
        let mut ctx = crate::check::Ctx::new(file, &map);
        // Check the defaults now, so a broken model is reported against its own file.
        let kind = crate::check::parse_kind(&mut ctx, &model.kind, "kind");
        let _ = crate::check::behaviour(
            &mut ctx,
            &model.behaviour,
            "behaviour",
            kind.is_some_and(|k| k.is_controller()),
        );
        if model.behaviour.service_time.is_none() {
            ctx.err_at("behaviour", "a model must give `service_time`".into());
        }
        if model.behaviour.reboot_time.is_none() {
            ctx.err_at("behaviour", "a model must give `reboot_time`".into());
        }
        if !ctx.diags.is_empty() {
            return Err(fail(ctx.diags));
        }
        let _ = &SourceMap::default;
        self.models.insert(
            model.id.clone(),
            AssetModel {
                id: model.id,
                kind: model.kind,
                description: model.description,
                behaviour: model.behaviour,
                sources: model.sources,
                file: file.into(),
                sha256: crate::sha256_hex(text.as_bytes()),
                builtin: false,
            },
        );
        Ok(())
    }

    /// Looks up a model.
    pub fn get(&self, id: &str) -> Option<&AssetModel> {
        self.models.get(id)
    }

    /// Model names, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.models.keys().map(String::as_str)
    }

    /// The model files that `ids` (asset model ids, repeats allowed) use, one per model,
    /// sorted by model id; ids not in the library are skipped.
    pub fn files_used<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<ModelFile> {
        let used: std::collections::BTreeSet<&str> = ids.into_iter().collect();
        used.into_iter()
            .filter_map(|id| self.models.get(id))
            .map(|m| ModelFile {
                model: m.id.clone(),
                file: format!(
                    "models/{}",
                    Path::new(&m.file)
                        .file_name()
                        .map_or_else(|| m.file.clone(), |n| n.to_string_lossy().into_owned())
                ),
                origin: if m.builtin {
                    "built-in"
                } else {
                    "models directory"
                }
                .into(),
                sha256: m.sha256.clone(),
            })
            .collect()
    }

    /// Every model, sorted by name.
    pub fn models(&self) -> impl Iterator<Item = &AssetModel> {
        self.models.values()
    }
}
