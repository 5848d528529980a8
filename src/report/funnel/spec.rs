//! What a report is asked for (`--by`, `--outcome`, `--period`), resolved once against the
//! program: names to ids, stage dates to readers, the lead-flow window to period starts.

use super::flow::edges;
use crate::diag::did_you_mean;
use crate::eval::RowExpr;
use crate::ir::{DefId, Name, Period, Program, Ty};
use std::fmt;

/// The options of a report, as given.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// `--by NAME`: a field, definition or grade of a string, enum or bool type.
    pub by: Option<String>,
    /// `--outcome NAME`: a boolean definition, or a stage (reaching it).
    pub outcome: Option<String>,
    /// `--period`: the periods of the lead flow.
    pub period: Period,
    /// The evaluation instant (epoch ms): the lead flow ends with the period holding it.
    pub now: i64,
}

/// An option that names nothing the report can use: a usage error, with a suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionError {
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OptionError {}

/// What "had the outcome" means for a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The boolean definition holds.
    Def(DefId),
    /// The lead's stage is this path stage or a later one.
    Reached(u32),
    /// The lead's stage is this detour (a position among the stage names).
    InDetour(u32),
}

/// A report's options resolved against the program.
pub struct Spec<'p> {
    pub(super) program: &'p Program,
    pub(super) now: i64,
    /// The stage names: the path, then the detours (empty without `stages`).
    pub(super) stage_names: Vec<String>,
    pub(super) path_len: usize,
    /// `--by`: its name and what it reads.
    pub(super) by: Option<(String, Name)>,
    pub(super) outcome: Option<(String, Target)>,
    /// The dated stages of the path, in path order: position and date.
    pub(super) dates: Vec<(usize, RowExpr<'p>)>,
    pub(super) period: Period,
    /// First days of the lead-flow periods, oldest first (the last holds `now`), then the day
    /// after the last.
    pub(super) edges: Vec<i64>,
}

impl<'p> Spec<'p> {
    pub fn new(program: &'p Program, options: &ReportOptions) -> Result<Spec<'p>, OptionError> {
        let stage_names = match program.stages.as_ref().map(|s| s.ty.base()) {
            Some(Ty::Enum(e)) => e.values.clone(),
            _ => Vec::new(),
        };
        let path_len = program.stages.as_ref().map_or(0, |s| s.path.len());
        let by = match &options.by {
            Some(name) => Some((name.clone(), by_name(program, name)?)),
            None => None,
        };
        let outcome = match &options.outcome {
            Some(name) => Some((
                name.clone(),
                outcome_target(program, &stage_names, path_len, name)?,
            )),
            None => None,
        };
        let dates = program.stages.as_ref().map_or_else(Vec::new, |s| {
            s.path
                .iter()
                .enumerate()
                .filter_map(|(i, step)| Some((i, RowExpr::new(step.at.as_ref()?))))
                .collect()
        });
        Ok(Spec {
            program,
            now: options.now,
            stage_names,
            path_len,
            by,
            outcome,
            dates,
            period: options.period,
            edges: edges(options.period, options.now),
        })
    }

    /// The names of the dated stages, in path order.
    pub(super) fn dated_names(&self) -> Vec<String> {
        self.dates
            .iter()
            .filter_map(|(i, _)| self.stage_names.get(*i).cloned())
            .collect()
    }
}

/// `--by NAME`: what the breakdown reads.
fn by_name(program: &Program, name: &str) -> Result<Name, OptionError> {
    let Some(found) = program.lookup(name) else {
        let candidates = groupable(program);
        return Err(OptionError {
            message: format!("`--by {name}`: no field, definition or grade is called `{name}`"),
            help: Some(
                match did_you_mean(name, candidates.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "break down by a field, definition or grade of a string, enum or bool type: {}",
                        list(&candidates)
                    ),
                },
            ),
        });
    };
    let what = match found {
        Name::Stage => {
            return Err(OptionError {
                message: "`--by stage`: the funnel is already by stage".into(),
                help: Some(
                    "break down by what the stages should be compared across, such as `source`"
                        .into(),
                ),
            })
        }
        Name::Score(_) => {
            return Err(OptionError {
                message: format!("`--by {name}`: `{name}` is a score, a number for each lead"),
                help: Some(
                    "break down by a grade of the score (`grade … { \"A\" when … }`), which groups its values into labels".into(),
                ),
            })
        }
        Name::Field(id) if program.schema.key == Some(id) => {
            return Err(OptionError {
                message: format!("`--by {name}`: `{name}` is the key, a different value for every lead"),
                help: Some("break down by a field that leads share, such as a source or a region".into()),
            })
        }
        other => other,
    };
    let ty = program.type_of(what);
    if !can_group(&ty) {
        return Err(OptionError {
            message: format!(
                "`--by {name}`: `{name}` is a `{ty}`, which cannot be grouped: a breakdown needs a string, enum or bool"
            ),
            help: Some(format!(
                "define the groups you want, such as `{name}_band = if … then \"low\" else \"high\"`, and break down by that"
            )),
        });
    }
    Ok(what)
}

fn can_group(ty: &Ty) -> bool {
    matches!(ty.base(), Ty::String | Ty::Bool | Ty::Enum(_))
}

/// The names `--by` accepts, sorted.
fn groupable(program: &Program) -> Vec<String> {
    let mut out: Vec<String> = program
        .names
        .sorted()
        .into_iter()
        .filter(|n| match program.lookup(n) {
            Some(Name::Field(id)) if program.schema.key == Some(id) => false,
            Some(name @ (Name::Field(_) | Name::Def(_) | Name::Grade(_))) => {
                can_group(&program.type_of(name))
            }
            _ => false,
        })
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

/// `--outcome NAME`: a stage (reached), a detour (in it), or a boolean definition.
fn outcome_target(
    program: &Program,
    stage_names: &[String],
    path_len: usize,
    name: &str,
) -> Result<Target, OptionError> {
    if let Some(i) = stage_names.iter().position(|s| s == name) {
        return Ok(if i < path_len {
            Target::Reached(i as u32)
        } else {
            Target::InDetour(i as u32)
        });
    }
    match program.lookup(name) {
        Some(Name::Def(id)) if program.def(id).expr.ty == Ty::Bool => Ok(Target::Def(id)),
        Some(found) => Err(OptionError {
            message: format!(
                "`--outcome {name}`: `{name}` is {}, not a boolean definition or a stage",
                match found {
                    Name::Field(_) => "a field",
                    Name::Score(_) => "a score",
                    Name::Grade(_) => "a grade",
                    Name::Stage => "the stage",
                    Name::Def(_) => "a definition that is not a boolean",
                }
            ),
            help: Some(format!(
                "name what sales counts as a win, such as a stage (`Customer`) or a definition `won when …`; {}",
                outcomes_help(program, stage_names)
            )),
        }),
        None => {
            let candidates = outcome_names(program, stage_names);
            Err(OptionError {
                message: format!(
                    "`--outcome {name}`: no stage or boolean definition is called `{name}`"
                ),
                help: Some(
                    match did_you_mean(name, candidates.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => outcomes_help(program, stage_names),
                    },
                ),
            })
        }
    }
}

fn outcome_names(program: &Program, stage_names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = stage_names.to_vec();
    out.extend(
        program
            .defs
            .iter()
            .filter(|d| d.expr.ty == Ty::Bool && !stage_names.contains(&d.name))
            .map(|d| d.name.clone()),
    );
    out
}

fn outcomes_help(program: &Program, stage_names: &[String]) -> String {
    format!(
        "the stages and boolean definitions are {}",
        list(&outcome_names(program, stage_names))
    )
}

/// `` `a`, `b`, `c` `` (at most ten, then how many more).
fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    let mut shown: Vec<String> = names.iter().take(10).map(|n| format!("`{n}`")).collect();
    if names.len() > 10 {
        shown.push(format!("and {} more", names.len() - 10));
    }
    shown.join(", ")
}
