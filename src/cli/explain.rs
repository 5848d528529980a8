//! `smql explain PATHS… DATA --lead KEY`: every definition, score item, grade arm and stage of one
//! lead, with values.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{json, Map, Value as Json};
use std::io::Write;

use super::common::{DataOptions, EvalOptions, RulesAndData, TextFormat};
use super::datarun::{self, DataRun, Sink};
use super::exit;
use super::rules::{load_rules, now_ms};
use crate::data::Batch;
use crate::eval::{eval_lead, render_explain, why_items, LeadValues, Trace};
use crate::ir::{Program, ScoreId};
use crate::pipeline::{Flow, Processed};
use crate::time::{format_duration, format_timestamp};
use crate::value::Value;

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: RulesAndData,
    /// The lead to explain: its key (or its 1-based record number when the schema has no key)
    #[arg(long, value_name = "KEY", required = true)]
    pub lead: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub eval: EvalOptions,
    #[command(flatten)]
    pub data: DataOptions,
    /// No progress on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: &ExplainArgs) -> ExitCode {
    if let Err(e) = args.data.validate(&args.input.data()) {
        return super::usage_error(&e);
    }
    match explain(args) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(code) => code,
    }
}

fn explain(args: &ExplainArgs) -> Result<(), ExitCode> {
    let rules = load_rules(args.input.rules(), args.quiet)?;
    let program = &rules.program;
    let now = now_ms(args.eval.as_of);
    let mut found: Option<String> = None;
    datarun::run(
        DataRun {
            rules: &rules,
            data: args.input.data(),
            options: &args.data,
            eval: &args.eval,
            shared_strings: None,
            quiet: true,
        },
        |batch| find_and_explain(&rules, args, batch, now),
        |text| {
            Ok(match text {
                Some(t) => {
                    found = Some(t);
                    Flow::Stop
                }
                None => Flow::Continue,
            })
        },
    )?;
    let Some(text) = found else {
        let what = match program.schema.key {
            Some(k) => format!("no lead has `{}` = `{}`", program.field(k).name, args.lead),
            None => format!(
                "there is no record {} (the schema has no `key`, so `--lead` is a record number)",
                args.lead
            ),
        };
        return Err(super::usage_error(&format!(
            "{what} in `{}`",
            data_name(&args.input.data())
        )));
    };
    let mut sink = Sink::open(args.output.as_deref())?;
    sink.write_all(text.as_bytes())
        .map_err(|e| super::usage_error(&format!("cannot write the explanation: {e}")))?;
    sink.commit()
}

/// Whether `row` is the lead `--lead` names: by key, or by record number without a key.
fn is_the_lead(program: &Program, batch: &Batch, row: usize, wanted: &str) -> bool {
    match program.schema.key {
        Some(k) => match batch.value(k.0 as usize, row) {
            Value::Str(s) => &*s == wanted,
            Value::Int(i) => wanted.trim().parse::<i64>() == Ok(i),
            _ => false,
        },
        None => wanted.trim().parse::<u64>() == Ok(batch.record_number(row)),
    }
}

/// The explanation of the wanted lead if it is in this batch. A lead whose evaluation fails is
/// explained by its error (that is what the user needs to know about it).
fn find_and_explain(
    rules: &crate::RuleSet,
    args: &ExplainArgs,
    batch: &Batch,
    now: i64,
) -> Processed<Option<String>> {
    let program = &rules.program;
    let Some(row) = (0..batch.len()).find(|&r| is_the_lead(program, batch, r, &args.lead)) else {
        return Processed::new(None);
    };
    let lead = batch.lead(row);
    let mut trace = Trace::default();
    let text = match eval_lead(program, &lead, now, Some(&mut trace)) {
        Err(e) => format!("lead {}: evaluation failed: {}\n", args.lead, e.message),
        Ok(values) => match args.format {
            TextFormat::Human => {
                render_explain(program, &rules.sources, &args.lead, &lead, &values, &trace)
            }
            TextFormat::Json => explain_json(program, &args.lead, &lead, &values, &trace),
        },
    };
    Processed::new(Some(text))
}

/// The explanation as one JSON object, for programs.
fn explain_json(
    program: &Program,
    key: &str,
    lead: &[Value],
    values: &LeadValues,
    trace: &Trace,
) -> String {
    let fields: Map<String, Json> = program
        .schema
        .fields
        .iter()
        .zip(lead)
        .map(|(f, v)| (f.name.clone(), to_json(v)))
        .collect();
    let definitions: Map<String, Json> = program
        .defs
        .iter()
        .zip(&values.defs)
        .map(|(d, v)| (d.name.clone(), to_json(v)))
        .collect();
    let scores: Map<String, Json> = program
        .scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let why: Vec<Json> = why_items(trace, ScoreId(i as u32))
                .into_iter()
                .map(|(rule, points)| json!({"rule": rule, "points": number(points)}))
                .collect();
            let total = values.scores.get(i).copied().unwrap_or(f64::NAN);
            (s.name.clone(), json!({"value": number(total), "why": why}))
        })
        .collect();
    let grades: Map<String, Json> = program
        .grades
        .iter()
        .zip(&values.grades)
        .zip(&trace.grades)
        .map(|((g, v), t)| {
            let arms: Vec<Json> = t
                .arms
                .iter()
                .map(|a| json!({"label": a.label, "held": a.held}))
                .collect();
            (g.name.clone(), json!({"value": &*v.label, "arms": arms}))
        })
        .collect();
    let mut out = json!({
        "lead": key,
        "fields": fields,
        "definitions": definitions,
        "scores": scores,
        "grades": grades,
    });
    if let (Some(st), Some(obj)) = (&trace.stage, out.as_object_mut()) {
        let steps = |steps: &[crate::eval::trace::StepTrace]| -> Vec<Json> {
            steps
                .iter()
                .map(|s| json!({"name": s.name, "held": s.held}))
                .collect()
        };
        obj.insert(
            "stage".to_string(),
            json!({"value": to_json(&values.stage), "path": steps(&st.path), "detours": steps(&st.detours)}),
        );
    }
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}

fn number(x: f64) -> Json {
    serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Missing => Json::Null,
        Value::Int(i) => json!(i),
        Value::Number(x) => number(*x),
        Value::Str(s) => json!(&**s),
        Value::Bool(b) => json!(b),
        Value::Timestamp(t) => json!(format_timestamp(*t)),
        Value::Duration(d) => json!(format_duration(*d)),
        Value::List(items) | Value::Record(items) => {
            Json::Array(items.iter().map(to_json).collect())
        }
    }
}

/// The data's name as the user gave it, for messages.
fn data_name(data: &super::common::DataSource) -> String {
    match data {
        super::common::DataSource::Stdin => "<stdin>".to_string(),
        super::common::DataSource::File(p) => p.display().to_string(),
    }
}
