//! Definitions, scores, grades and the stage: each evaluated in exactly the interpreter's order
//! (`eval::interp`) and stored to its output columns.

use super::chunks::{Open, Step};
use super::codegen::{unsupported, Gen, Val, R};
use super::helpers;
use super::plan::{DefOut, Kind, OutKind, Slot};
use crate::ir::{Rule, ScoreEntry, ScoreItem, Ty};
use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{types, BlockArg, InstBuilder, Value};

impl Gen<'_> {
    pub fn step(&mut self, step: Step) -> R<()> {
        match step {
            Step::Def(i) => self.def(i),
            Step::ScoreStart(i) => {
                self.total = Some(self.b.ins().f64const(0.0));
                self.kept.open = Open::Score {
                    score: i,
                    in_group: false,
                };
                Ok(())
            }
            Step::Item { score, entry, item } => self.score_item(score, entry, item),
            Step::GroupStart(score) => {
                self.group = Some(self.b.ins().f64const(0.0));
                self.kept.open = Open::Score {
                    score,
                    in_group: true,
                };
                Ok(())
            }
            Step::GroupEnd { score, entry } => self.group_end(score, entry),
            Step::ScoreEnd(i) => self.score_end(i),
            Step::GradeStart(i) => {
                self.grade_start();
                self.kept.open = Open::Grade(i);
                Ok(())
            }
            Step::Arm { grade, arm } => self.grade_arm(grade, arm),
            Step::GradeEnd(i) => self.grade_end(i),
            Step::Stage => self.stage_node(),
        }
    }

    fn def(&mut self, i: usize) -> R<()> {
        let p = self.p;
        let def = p
            .defs
            .get(i)
            .ok_or_else(|| super::JitError::internal("a definition is not in the program"))?;
        let ty = &def.expr.ty;
        let v = self.expr(&def.expr)?;
        let v = self.coerce(v, ty);
        let out = match (ty.base(), v) {
            (Ty::List(item), Val::List { ptr, len }) => {
                let kind = Kind::of(item).ok_or_else(|| unsupported(def.span, "this list"))?;
                let (pc, lc) = (
                    self.plan.output(OutKind::I64, false),
                    self.plan.output(OutKind::I64, false),
                );
                self.store_out(pc, Kind::I64, ptr);
                self.store_out(lc, Kind::I64, len);
                DefOut::List {
                    kind,
                    ptr: pc,
                    len: lc,
                }
            }
            (Ty::Records(_), Val::Records { field, start, len }) => {
                let (sc, lc) = (
                    self.plan.output(OutKind::I64, false),
                    self.plan.output(OutKind::I64, false),
                );
                self.store_out(sc, Kind::I64, start);
                self.store_out(lc, Kind::I64, len);
                DefOut::Records {
                    field,
                    start: sc,
                    len: lc,
                }
            }
            (base, Val::Scalar { present, v: value }) => {
                let kind = Kind::of(base)
                    .ok_or_else(|| unsupported(def.span, "a definition of this type"))?;
                let vc = self.plan.output(OutKind::of(kind), false);
                self.store_out(vc, kind, value);
                let pc = match present {
                    Some(pv) => {
                        let pc = self.plan.output(OutKind::U8, false);
                        self.store_out(pc, Kind::Bool, pv);
                        Some(pc)
                    }
                    None => None,
                };
                DefOut::Scalar {
                    kind,
                    value: vc,
                    present: pc,
                }
            }
            _ => return Err(unsupported(def.span, "a definition of this type")),
        };
        self.plan.defs[i] = Some(out);
        self.defs[i] = Some(v);
        Ok(())
    }

    /// `crate::eval::math::min_num` inline: NaN if either is NaN, else the smaller, the left on a tie.
    pub fn min_num(&mut self, a: Value, b: Value) -> Value {
        let lt = self.b.ins().fcmp(FloatCC::LessThan, b, a);
        let r = self.b.ins().select(lt, b, a);
        self.nan_if_unordered(a, b, r)
    }

    /// `crate::eval::math::max_num` inline.
    pub fn max_num(&mut self, a: Value, b: Value) -> Value {
        let gt = self.b.ins().fcmp(FloatCC::GreaterThan, b, a);
        let r = self.b.ins().select(gt, b, a);
        self.nan_if_unordered(a, b, r)
    }

    fn nan_if_unordered(&mut self, a: Value, b: Value, r: Value) -> Value {
        let uno = self.b.ins().fcmp(FloatCC::Unordered, a, b);
        let nan = self.b.ins().f64const(f64::NAN);
        self.b.ins().select(uno, nan, r)
    }

    /// One item's contribution; its explanation input (`1.0`/`0.0` or the per-value) goes to a
    /// new explanation column of score `score`.
    fn item(&mut self, score: usize, item: &ScoreItem) -> R<Value> {
        let points = self.b.ins().f64const(item.points);
        let zero = self.b.ins().f64const(0.0);
        let (contribution, explained) = match &item.rule {
            Rule::Always => (points, self.b.ins().f64const(1.0)),
            Rule::When(c) => {
                let held = self.bool(c)?;
                let one = self.b.ins().f64const(1.0);
                (
                    self.b.ins().select(held, points, zero),
                    self.b.ins().select(held, one, zero),
                )
            }
            Rule::Per { x, up_to } => {
                let x = self.num(x)?;
                let unclamped = self.b.ins().fmul(points, x);
                let v = match up_to {
                    Some(n) => {
                        let lo = self.b.ins().f64const(-*n);
                        let hi = self.b.ins().f64const(*n);
                        let v = self.max_num(unclamped, lo);
                        self.min_num(v, hi)
                    }
                    None => unclamped,
                };
                (v, x)
            }
        };
        let col = self.plan.output(OutKind::F64, true);
        self.plan.explain[score].items.push(col);
        if self.explain {
            self.store_out(col, Kind::F64, explained);
        }
        Ok(contribution)
    }

    fn score_item(&mut self, score: usize, entry: usize, item: usize) -> R<()> {
        let p = self.p;
        let it = match p.scores.get(score).and_then(|s| s.entries.get(entry)) {
            Some(ScoreEntry::Item(it)) => Some(it),
            Some(ScoreEntry::Group { items, .. }) => items.get(item),
            None => None,
        }
        .ok_or_else(|| super::JitError::internal("a score item is not in the program"))?;
        let c = self.item(score, it)?;
        let in_group = self.group.is_some();
        let sum = if in_group { self.group } else { self.total }
            .ok_or_else(|| super::JitError::internal("a score item outside its score"))?;
        let sum = Some(self.b.ins().fadd(sum, c));
        if in_group {
            self.group = sum;
        } else {
            self.total = sum;
        }
        Ok(())
    }

    fn group_end(&mut self, score: usize, entry: usize) -> R<()> {
        let p = self.p;
        let Some(ScoreEntry::Group { cap, .. }) =
            p.scores.get(score).and_then(|s| s.entries.get(entry))
        else {
            return Err(super::JitError::internal("a group is not in the program"));
        };
        let (Some(sum), Some(total)) = (self.group.take(), self.total) else {
            return Err(super::JitError::internal("a group outside its score"));
        };
        let cap = self.b.ins().f64const(*cap);
        let contributed = self.min_num(sum, cap);
        self.total = Some(self.b.ins().fadd(total, contributed));
        self.kept.open = Open::Score {
            score,
            in_group: false,
        };
        Ok(())
    }

    /// The clamps and the decay of score `i` after its items; stores the total.
    fn score_end(&mut self, i: usize) -> R<()> {
        let p = self.p;
        let score = p
            .scores
            .get(i)
            .ok_or_else(|| super::JitError::internal("a score is not in the program"))?;
        let mut total = self
            .total
            .take()
            .ok_or_else(|| super::JitError::internal("the end of a score without its start"))?;
        if let Some(bound) = score.at_least {
            let bound = self.b.ins().f64const(bound);
            total = self.max_num(total, bound);
        }
        if let Some(bound) = score.at_most {
            let bound = self.b.ins().f64const(bound);
            total = self.min_num(total, bound);
        }
        if let Some(decay) = &score.decay {
            let since = self.scalar(&decay.since)?;
            let col = self.plan.output(OutKind::I64, true);
            self.plan.explain[i].since = Some(col);
            if self.explain {
                self.store_out(col, Kind::I64, since);
            }
            let rate = self.b.ins().f64const(decay.rate);
            let now = self.slot(Slot::Now);
            let every = self.iconst(types::I64, decay.every_ms);
            let factor = self.call_value(
                helpers::decay as *const () as usize,
                &[types::F64, types::I64, types::I64, types::I64],
                types::F64,
                &[rate, now, since, every],
                "decay",
            )?;
            total = self.b.ins().fmul(total, factor);
        }
        let col = self.plan.output(OutKind::F64, false);
        self.plan.scores[i] = col;
        self.store_out(col, Kind::F64, total);
        self.scores[i] = Some(total);
        self.kept.scores_done[i] = true;
        self.kept.open = Open::Nothing;
        Ok(())
    }

    /// Opens a grade: its merge block takes the chosen label's position in the grade's type
    /// and its string id. The arms follow, the first that holds jumps there.
    pub fn grade_start(&mut self) {
        let merge = self.b.create_block();
        let index = self.b.append_block_param(merge, types::I32);
        let id = self.b.append_block_param(merge, types::I32);
        self.arms = Some((merge, index, id));
    }

    fn grade_arm(&mut self, i: usize, arm: usize) -> R<()> {
        let p = self.p;
        let (grade, arm) = p
            .grades
            .get(i)
            .and_then(|g| Some((g, g.arms.get(arm)?)))
            .ok_or_else(|| super::JitError::internal("a grade arm is not in the program"))?;
        let (merge, ..) = self
            .arms
            .ok_or_else(|| super::JitError::internal("a grade arm outside its grade"))?;
        let held = self.bool(&arm.cond)?;
        let chosen = self.b.create_block();
        let next = self.b.create_block();
        self.b.ins().brif(held, chosen, &[], next, &[]);
        self.b.switch_to_block(chosen);
        let pos = self.iconst(types::I32, label_position(grade, &arm.label)?);
        let lit = self.literal(&arm.label);
        self.b
            .ins()
            .jump(merge, &[BlockArg::Value(pos), BlockArg::Value(lit)]);
        self.b.switch_to_block(next);
        Ok(())
    }

    /// No arm held: `otherwise`. Stores the label's position to the output and its id to a
    /// hidden column (for later functions), keeps the id for later expressions.
    fn grade_end(&mut self, i: usize) -> R<()> {
        let p = self.p;
        let grade = p
            .grades
            .get(i)
            .ok_or_else(|| super::JitError::internal("a grade is not in the program"))?;
        let (merge, index, id) = self
            .arms
            .take()
            .ok_or_else(|| super::JitError::internal("the end of a grade without its start"))?;
        let pos = self.iconst(types::I32, label_position(grade, &grade.otherwise)?);
        let lit = self.literal(&grade.otherwise);
        self.b
            .ins()
            .jump(merge, &[BlockArg::Value(pos), BlockArg::Value(lit)]);
        self.b.switch_to_block(merge);
        let col = self.plan.output(OutKind::U32, false);
        self.plan.grades[i] = col;
        self.store_out(col, Kind::Str, index);
        let id_col = self.plan.output(OutKind::U32, false);
        self.store_out(id_col, Kind::Str, id);
        self.kept.grade_ids[i] = Some(id_col);
        self.grades[i] = Some(id);
        self.kept.open = Open::Nothing;
        Ok(())
    }

    /// The first detour whose definition holds, else the furthest stage of the path whose
    /// definition holds, else none: computed with selects over the (already computed)
    /// definitions.
    fn stage_node(&mut self) -> R<()> {
        let p = self.p;
        let Some(stages) = &p.stages else {
            return Ok(());
        };
        let Ty::Enum(names) = stages.ty.base() else {
            return Err(unsupported(stages.span, "stages without an enum type"));
        };
        let mut present = self.iconst(types::I8, 0);
        let mut index = self.iconst(types::I32, i64::from(u32::MAX));
        let mut id = self.iconst(types::I32, 0);
        let steps: Vec<_> = stages
            .path
            .iter()
            .chain(stages.detours.iter().rev())
            .collect();
        for step in steps {
            let held = match step.def {
                None => self.iconst(types::I8, 1),
                Some(d) => match self.def_value(d.0 as usize)? {
                    Val::Scalar { v, .. } => v,
                    _ => return Err(unsupported(step.span, "a stage that is not a boolean")),
                },
            };
            let pos = names
                .index_of(&step.name)
                .ok_or_else(|| unsupported(step.span, "a stage outside the stage type"))?;
            let pos = self.iconst(types::I32, pos as i64);
            let lit = self.literal(&step.name);
            index = self.b.ins().select(held, pos, index);
            id = self.b.ins().select(held, lit, id);
            present = self.b.ins().bor(present, held);
        }
        let col = self.plan.output(OutKind::U32, false);
        self.plan.stage = Some(col);
        self.store_out(col, Kind::Str, index);
        let (id_col, present_col) = (
            self.plan.output(OutKind::U32, false),
            self.plan.output(OutKind::U8, false),
        );
        self.store_out(id_col, Kind::Str, id);
        self.store_out(present_col, Kind::Bool, present);
        self.kept.stage = Some((id_col, present_col));
        self.stage = Some(Val::Scalar {
            present: Some(present),
            v: id,
        });
        Ok(())
    }
}

/// The position of `label` in the type of `grade`.
fn label_position(grade: &crate::ir::Grade, label: &str) -> R<i64> {
    match &grade.ty {
        Ty::Enum(labels) => labels
            .index_of(label)
            .map(|i| i as i64)
            .ok_or_else(|| unsupported(grade.span, "a grade label outside its type")),
        _ => Err(unsupported(grade.span, "a grade without an enum type")),
    }
}
