//! Span-insensitive comparison of ASTs: what the formatter's soundness check compares.
//!
//! Every span is set to the default one on a copy, then the derived `PartialEq` compares. The
//! pass destructures every node completely, so a field added to the AST does not compile here
//! until it is handled.

use super::ast::*;
use crate::source::Span;

/// Do two files parse to the same rule text, spans aside?
pub fn same_ignoring_spans(a: &File, b: &File) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    a.erase();
    b.erase();
    a == b
}

trait Erase {
    fn erase(&mut self);
}

impl Erase for Span {
    fn erase(&mut self) {
        *self = Span::default();
    }
}

impl<T: Erase> Erase for Vec<T> {
    fn erase(&mut self) {
        self.iter_mut().for_each(Erase::erase);
    }
}

impl<T: Erase> Erase for Option<T> {
    fn erase(&mut self) {
        if let Some(x) = self {
            x.erase();
        }
    }
}

impl<T: Erase> Erase for Box<T> {
    fn erase(&mut self) {
        (**self).erase();
    }
}

impl<A: Erase, B: Erase> Erase for (A, B) {
    fn erase(&mut self) {
        self.0.erase();
        self.1.erase();
    }
}

impl Erase for File {
    fn erase(&mut self) {
        let File { items } = self;
        items.erase();
    }
}

impl Erase for Ident {
    fn erase(&mut self) {
        let Ident { name: _, span } = self;
        span.erase();
    }
}

impl Erase for StrLit {
    fn erase(&mut self) {
        let StrLit { value: _, span } = self;
        span.erase();
    }
}

impl Erase for Amount {
    fn erase(&mut self) {
        let Amount { value: _, span } = self;
        span.erase();
    }
}

impl Erase for Attrs {
    fn erase(&mut self) {
        let Attrs { doc: _, allow } = self;
        allow.erase();
    }
}

impl Erase for Item {
    fn erase(&mut self) {
        match self {
            Item::Schema(x) => x.erase(),
            Item::Input(x) => x.erase(),
            Item::Def(x) => x.erase(),
            Item::Score(x) => x.erase(),
            Item::Grade(x) => x.erase(),
            Item::Stages(x) => x.erase(),
            Item::Detours(x) => x.erase(),
            Item::Sla(x) => x.erase(),
            Item::Test(x) => x.erase(),
        }
    }
}

impl Erase for Schema {
    fn erase(&mut self) {
        let Schema {
            attrs,
            keyword,
            fields,
            span,
        } = self;
        attrs.erase();
        keyword.erase();
        fields.erase();
        span.erase();
    }
}

impl Erase for FieldDecl {
    fn erase(&mut self) {
        let FieldDecl {
            attrs,
            name,
            ty,
            key,
            from,
            occurrence,
            format,
            span,
        } = self;
        attrs.erase();
        name.erase();
        ty.erase();
        key.erase();
        from.erase();
        occurrence.erase();
        format.erase();
        span.erase();
    }
}

impl Erase for Occurrence {
    fn erase(&mut self) {
        let Occurrence { value: _, span } = self;
        span.erase();
    }
}

impl Erase for FieldFormat {
    fn erase(&mut self) {
        let FieldFormat { keyword, layouts } = self;
        keyword.erase();
        layouts.erase();
    }
}

impl Erase for Input {
    fn erase(&mut self) {
        let Input {
            attrs,
            keyword,
            lines,
            span,
        } = self;
        attrs.erase();
        keyword.erase();
        lines.erase();
        span.erase();
    }
}

impl Erase for InputLine {
    fn erase(&mut self) {
        let InputLine {
            key: _,
            keyword,
            values,
            span,
        } = self;
        keyword.erase();
        values.erase();
        span.erase();
    }
}

impl Erase for TypeExpr {
    fn erase(&mut self) {
        let TypeExpr {
            kind,
            optional,
            span,
        } = self;
        match kind {
            TypeExprKind::Int
            | TypeExprKind::Number
            | TypeExprKind::String
            | TypeExprKind::Bool
            | TypeExprKind::Timestamp
            | TypeExprKind::Duration => {}
            TypeExprKind::OneOf(values) => values.erase(),
            TypeExprKind::List(elem) => elem.erase(),
            TypeExprKind::Records(fields) => fields.erase(),
        }
        optional.erase();
        span.erase();
    }
}

impl Erase for Def {
    fn erase(&mut self) {
        let Def {
            attrs,
            name,
            kind: _,
            expr,
            span,
        } = self;
        attrs.erase();
        name.erase();
        expr.erase();
        span.erase();
    }
}

impl Erase for Score {
    fn erase(&mut self) {
        let Score {
            attrs,
            name,
            lines,
            span,
        } = self;
        attrs.erase();
        name.erase();
        lines.erase();
        span.erase();
    }
}

impl Erase for ScoreLine {
    fn erase(&mut self) {
        match self {
            ScoreLine::Item(item) => item.erase(),
            ScoreLine::Group {
                name,
                up_to,
                items,
                span,
            } => {
                name.erase();
                up_to.erase();
                items.erase();
                span.erase();
            }
            ScoreLine::AtLeast(a) | ScoreLine::AtMost(a) => a.erase(),
            ScoreLine::Decay {
                rate,
                every,
                since,
                span,
            } => {
                rate.erase();
                every.erase();
                since.erase();
                span.erase();
            }
        }
    }
}

impl Erase for ScoreItem {
    fn erase(&mut self) {
        let ScoreItem { points, rule, span } = self;
        points.erase();
        match rule {
            ScoreRule::Always => {}
            ScoreRule::When(cond) => cond.erase(),
            ScoreRule::Per { x, up_to } => {
                x.erase();
                up_to.erase();
            }
        }
        span.erase();
    }
}

impl Erase for Grade {
    fn erase(&mut self) {
        let Grade {
            attrs,
            name,
            arms,
            otherwise,
            span,
        } = self;
        attrs.erase();
        name.erase();
        arms.erase();
        otherwise.erase();
        span.erase();
    }
}

impl Erase for GradeArm {
    fn erase(&mut self) {
        let GradeArm { label, cond, span } = self;
        label.erase();
        cond.erase();
        span.erase();
    }
}

impl Erase for Stages {
    fn erase(&mut self) {
        let Stages { attrs, path, span } = self;
        attrs.erase();
        path.erase();
        span.erase();
    }
}

impl Erase for Detours {
    fn erase(&mut self) {
        let Detours { attrs, names, span } = self;
        attrs.erase();
        names.erase();
        span.erase();
    }
}

impl Erase for Sla {
    fn erase(&mut self) {
        let Sla {
            attrs,
            name,
            lines,
            span,
        } = self;
        attrs.erase();
        name.erase();
        lines.erase();
        span.erase();
    }
}

impl Erase for SlaLine {
    fn erase(&mut self) {
        let SlaLine {
            kind,
            keyword,
            span,
        } = self;
        match kind {
            SlaLineKind::Owner(name) | SlaLineKind::Per(name) => name.erase(),
            SlaLineKind::For(e)
            | SlaLineKind::From(e)
            | SlaLineKind::Until(e)
            | SlaLineKind::Within(e)
            | SlaLineKind::Target(e)
            | SlaLineKind::Require(e)
            | SlaLineKind::Count(e)
            | SlaLineKind::By(e)
            | SlaLineKind::AtLeast(e)
            | SlaLineKind::AtMost(e) => e.erase(),
        }
        keyword.erase();
        span.erase();
    }
}

impl Erase for Test {
    fn erase(&mut self) {
        let Test {
            attrs,
            name,
            as_of,
            given,
            expects,
            span,
        } = self;
        attrs.erase();
        name.erase();
        as_of.erase();
        given.erase();
        expects.erase();
        span.erase();
    }
}

impl Erase for GivenField {
    fn erase(&mut self) {
        let GivenField { name, value, span } = self;
        name.erase();
        value.erase();
        span.erase();
    }
}

impl Erase for Expect {
    fn erase(&mut self) {
        let Expect { expr, span } = self;
        expr.erase();
        span.erase();
    }
}

impl Erase for DataLit {
    fn erase(&mut self) {
        let DataLit { kind, span } = self;
        match kind {
            DataLitKind::Int(_)
            | DataLitKind::Number(_)
            | DataLitKind::Str(_)
            | DataLitKind::Bool(_)
            | DataLitKind::Missing => {}
            DataLitKind::List(items) => items.erase(),
            DataLitKind::Record(fields) => fields.erase(),
        }
        span.erase();
    }
}

impl Erase for Expr {
    fn erase(&mut self) {
        let Expr { kind, span } = self;
        match kind {
            ExprKind::Int(_)
            | ExprKind::Number(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Duration(_)
            | ExprKind::Now
            | ExprKind::It => {}
            ExprKind::Name(name) => name.erase(),
            ExprKind::Path {
                root: _,
                root_span,
                field,
            } => {
                root_span.erase();
                field.erase();
            }
            ExprKind::List(items) => items.erase(),
            ExprKind::Unary(_, e) | ExprKind::IsPresent(e) | ExprKind::IsMissing(e) => e.erase(),
            ExprKind::Binary(_, a, b)
            | ExprKind::StartsWith(a, b)
            | ExprKind::EndsWith(a, b)
            | ExprKind::Matches(a, b)
            | ExprKind::Within(a, b) => {
                a.erase();
                b.erase();
            }
            ExprKind::In {
                x,
                list,
                negated: _,
            } => {
                x.erase();
                list.erase();
            }
            ExprKind::Has { list, value } => {
                list.erase();
                value.erase();
            }
            ExprKind::Contains {
                subject,
                quant: _,
                arg,
            } => {
                subject.erase();
                arg.erase();
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                cond.erase();
                then.erase();
                otherwise.erase();
            }
            ExprKind::Call { func, args } => {
                func.erase();
                args.erase();
            }
            ExprKind::Where { list, cond } => {
                list.erase();
                cond.erase();
            }
        }
        span.erase();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn parse(text: &str) -> File {
        let mut sources = SourceMap::new();
        let id = sources.add("t.smql", text);
        let (file, diags) = crate::syntax::parse_file(&sources, id);
        assert!(diags.is_empty(), "{diags:?}");
        file
    }

    #[test]
    fn layout_does_not_matter_but_content_does() {
        let a = parse("## d\nx when a   and (b or c)\nscore s {\n  +1 when x\n}\n");
        let b = parse("\n\n## d\nx when a and\n  (b or\n c)\nscore s { +1 when x }");
        assert!(same_ignoring_spans(&a, &b));
        let c = parse("## d\nx when a and b or c\nscore s {\n  +1 when x\n}\n");
        assert!(!same_ignoring_spans(&a, &c));
        let d = parse("## e\nx when a and (b or c)\nscore s {\n  +1 when x\n}\n");
        assert!(!same_ignoring_spans(&a, &d));
    }
}
