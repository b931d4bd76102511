//! The report's content model, the layer every part of the report writes into: inline text
//! ([`Span`], [`Line`]), the blocks of a report ([`Block`]: headings, paragraphs, lists,
//! tables, figures, a glossary), the whole [`Document`], and the [`Chart`] a figure block
//! carries (re-exported as `charts::Chart`, where the charts are drawn).
//!
//! It sits below both the document (`document`, which orders the sections) and the sections
//! that build blocks (`appetite`, `bod`, `deadline`, `exchange_files`, `provenance`,
//! `remediation`, `rollout`, `ssvc::note`, `robustness`), and below the renderers (`markdown`,
//! `html`): blocks ← sections ← document. It imports nothing from the crate.
//!
//! Not here: what goes in a report or in which order (`document`), how a block is written out
//! (`markdown`, `html`), how a chart is drawn (`charts`), number formatting (`format`). Plain
//! data, no behaviour.

/// A run of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// An identifier (plan, flow, file), shown as code.
    Code(String),
    /// Emphasised text.
    Strong(String),
}

/// A line of inline text.
pub type Line = Vec<Span>;

/// A block of the report.
#[derive(Debug, Clone)]
pub enum Block {
    /// A section heading (level 2 or 3; the title is level 1) with an anchor id.
    Heading {
        /// 2 or 3.
        level: u8,
        /// Text.
        text: String,
        /// Anchor, unique in the document.
        id: String,
    },
    /// A paragraph.
    Para(Line),
    /// A bulleted list.
    Bullets(Vec<Line>),
    /// A table: header, right-aligned columns, rows of cells.
    Table {
        /// Column headings.
        head: Vec<String>,
        /// Whether each column is numeric (right-aligned).
        right: Vec<bool>,
        /// Cells.
        rows: Vec<Vec<Line>>,
    },
    /// A chart, shown inline in HTML and linked as `charts/<file>` in Markdown.
    Figure(Chart),
    /// Terms and their one-sentence definitions.
    Glossary(Vec<(String, String)>),
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Document {
    /// Title.
    pub title: String,
    /// Blocks in order.
    pub blocks: Vec<Block>,
}

/// What a chart shows, so that a report can place it in the right section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartKind {
    /// Latency CDF of one flow (index into the scenario's flows).
    LatencyCdf(usize),
    /// P(compromised by t) per plan.
    ExposureOverTime,
    /// P(compromise) versus P(process trip) per plan, with interval bars.
    ExposureVsOperations,
    /// Distribution of unplanned downtime per plan.
    Downtime,
    /// P(loss > x) per plan with the risk appetite (`exceedance`).
    LossExceedance,
    /// The `k`-th tornado chart of a sensitivity analysis (`tornado`).
    Tornado(usize),
}

/// One chart: a standalone SVG document and the words that go with it.
#[derive(Debug, Clone)]
pub struct Chart {
    /// What it shows.
    pub kind: ChartKind,
    /// File name under `charts/`, e.g. `exposure-over-time.svg`.
    pub file: String,
    /// Title.
    pub title: String,
    /// How to read it, one or two sentences.
    pub caption: String,
    /// The SVG document (starts with `<svg`).
    pub svg: String,
}
