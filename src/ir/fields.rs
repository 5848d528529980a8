//! Which schema fields a rule set reads ([`Program::fields_in_use`]): the readers decode those
//! and skip the others (`crate::data::Input::decoding_only`), so a field nothing reads costs a
//! syntax check, not a conversion.

use super::{Expr, FieldId, Name, Program};

/// A set of schema fields, by index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSet(Vec<bool>);

impl FieldSet {
    /// No field of a schema of `fields` fields.
    pub fn none(fields: usize) -> FieldSet {
        FieldSet(vec![false; fields])
    }

    /// Every field of a schema of `fields` fields.
    pub fn all(fields: usize) -> FieldSet {
        FieldSet(vec![true; fields])
    }

    /// Adds `id` (an id past the schema's end is ignored).
    pub fn insert(&mut self, id: FieldId) {
        if let Some(slot) = self.0.get_mut(id.0 as usize) {
            *slot = true;
        }
    }

    pub fn contains(&self, id: FieldId) -> bool {
        self.0.get(id.0 as usize).copied().unwrap_or(false)
    }

    /// Adds every field of `other`.
    pub fn extend(&mut self, other: &FieldSet) {
        for (a, &b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    /// The fields in the set, in schema order.
    pub fn ids(&self) -> impl Iterator<Item = FieldId> + '_ {
        (0..self.0.len())
            .filter(|&i| self.0[i])
            .map(|i| FieldId(i as u32))
    }

    /// The number of fields in the set.
    pub fn len(&self) -> usize {
        self.0.iter().filter(|&&b| b).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `name` if it is a field (a command writes it, or reads it besides the rules).
    pub fn add_name(&mut self, name: Name) {
        if let Name::Field(id) = name {
            self.insert(id);
        }
    }

    /// Adds every field `expr` reads (inside `where` too: a list field is read as a whole).
    pub fn add_expr(&mut self, expr: &Expr) {
        let mut stack = vec![expr];
        while let Some(e) = stack.pop() {
            if let super::ExprKind::Field(id) = e.kind {
                self.insert(id);
            }
            e.push_children(&mut stack);
        }
    }
}

impl Program {
    /// The fields a run of the rules reads: every field a definition, score (its items and
    /// decay), grade, stage (its `at` dates), SLA or test reads, and the key, by which every
    /// command names a lead. What a command writes besides (`eval --select`, `report --by`)
    /// is the command's to add. A field outside this set may be left undecoded.
    pub fn fields_in_use(&self) -> FieldSet {
        let mut set = FieldSet::none(self.schema.fields.len());
        if let Some(k) = self.schema.key {
            set.insert(k);
        }
        for e in self.exprs() {
            set.add_expr(e);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::*;

    fn fid(i: u32) -> FieldId {
        FieldId(i)
    }

    #[test]
    fn sets_hold_what_was_added() {
        let mut a = FieldSet::none(4);
        assert!(a.is_empty());
        a.insert(fid(2));
        a.insert(fid(9)); // past the schema: ignored
        let mut b = FieldSet::none(4);
        b.insert(fid(0));
        a.extend(&b);
        assert_eq!(a.ids().collect::<Vec<_>>(), [fid(0), fid(2)]);
        assert_eq!(a.len(), 2);
        assert!(a.contains(fid(2)) && !a.contains(fid(1)) && !a.contains(fid(9)));
        assert_eq!(FieldSet::all(3).len(), 3);
    }

    #[test]
    fn the_rules_and_the_key_are_in_use_and_nothing_else() {
        let src = r#"
schema {
  id: string key
  visits: int
  company_size: int?
  notes: string
  signup_at: timestamp?
  paid_at: timestamp?
  country: string
  owner: string
  events: list of { kind: string, at: timestamp }
}
stages Lead -> Paying at paid_at
Paying when active
active when visits >= 3 or (company_size ?? 0) > 100
score fit {
  +10 when active
  +5 when count(events where kind == "demo") > 0
}
grade tier {
  "A" when fit >= 10
  else "B"
}
sla "respond" {
  owner  sales
  for    active
  from   signup_at
  until  paid_at
  within 2d
  target 90%
}
test "a" {
  given {
    visits: 3
    owner: "x"
  }
  expect active and owner == "x"
}
"#;
        let rules = match crate::RuleSet::compile_str("t.smql", src) {
            Ok(r) => r,
            Err(e) => panic!("{e:?}"),
        };
        let p = &rules.program;
        let used = p.fields_in_use();
        let names: Vec<&str> = used.ids().map(|id| p.field(id).name.as_str()).collect();
        assert_eq!(
            names,
            [
                "id",
                "visits",
                "company_size",
                "signup_at",
                "paid_at",
                "owner",
                "events"
            ]
        );
    }
}
