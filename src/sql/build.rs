//! Short constructors for the `sqlparser` syntax tree the lowering builds. The tree's nodes
//! carry every clause of every dialect (tokens, hints, `QUALIFY`, …); these fill in the ones a
//! generated query never has, so the lowering reads as the SQL it makes.

use sqlparser::ast::helpers::attached_token::AttachedToken;
use sqlparser::ast::{
    BinaryOperator, CaseWhen, CastKind, Cte, CteAsMaterialized, DataType, Expr, Function,
    FunctionArg, FunctionArgExpr, FunctionArgumentList, FunctionArguments, GroupByExpr, Ident,
    InTarget, LambdaFunction, LambdaFunctionParameter, LambdaSyntax, ObjectName,
    OneOrManyWithParens, Query, Select, SelectFlavor, SelectItem, SetExpr, TableAlias,
    TableAliasColumnDef, TableFactor, TableWithJoins, UnaryOperator, Value,
    WildcardAdditionalOptions, With,
};

/// A name written as is (a keyword-like type name such as `DOUBLE PRECISION`, or a function
/// name): never user text.
pub fn raw(text: &str) -> Ident {
    Ident::new(text)
}

/// An identifier in the dialect's quotes (user names, generated column names).
pub fn quoted(quote: char, name: &str) -> Ident {
    Ident::with_quote(quote, name)
}

pub fn col(ident: Ident) -> Expr {
    Expr::Identifier(ident)
}

/// `a.b`.
pub fn dotted(parts: Vec<Ident>) -> Expr {
    Expr::CompoundIdentifier(parts)
}

/// A type by its name in the dialect (`BIGINT`, `ARRAY<STRING>`).
pub fn ty(name: &str) -> DataType {
    DataType::Custom(ObjectName::from(vec![raw(name)]), Vec::new())
}

pub fn int(v: i64) -> Expr {
    Expr::value(Value::Number(v.to_string(), false))
}

/// A number literal as written (`2.5e0`): its type is the dialect's business, see `lower`.
pub fn number_text(text: String) -> Expr {
    Expr::value(Value::Number(text, false))
}

/// `'text'`, quotes doubled.
pub fn single_quoted(text: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(text.to_string()))
}

pub fn boolean(b: bool) -> Expr {
    Expr::value(Value::Boolean(b))
}

pub fn null() -> Expr {
    Expr::value(Value::Null)
}

/// `( e )` around anything that is not already atomic, so the printed text keeps the tree's
/// structure whatever the operators' precedence in the dialect.
pub fn paren(e: Expr) -> Expr {
    match e {
        Expr::BinaryOp { .. }
        | Expr::UnaryOp { .. }
        | Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::In { .. }
        | Expr::Collate { .. }
        | Expr::Lambda(_) => Expr::Nested(Box::new(e)),
        e => e,
    }
}

pub fn bin(a: Expr, op: BinaryOperator, b: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(paren(a)),
        op,
        right: Box::new(paren(b)),
    }
}

pub fn and(a: Expr, b: Expr) -> Expr {
    bin(a, BinaryOperator::And, b)
}

pub fn or(a: Expr, b: Expr) -> Expr {
    bin(a, BinaryOperator::Or, b)
}

pub fn eq(a: Expr, b: Expr) -> Expr {
    bin(a, BinaryOperator::Eq, b)
}

pub fn not(e: Expr) -> Expr {
    Expr::UnaryOp {
        op: UnaryOperator::Not,
        expr: Box::new(paren(e)),
    }
}

pub fn neg(e: Expr) -> Expr {
    Expr::UnaryOp {
        op: UnaryOperator::Minus,
        expr: Box::new(paren(e)),
    }
}

pub fn is_null(e: Expr) -> Expr {
    Expr::IsNull(Box::new(paren(e)))
}

pub fn is_not_null(e: Expr) -> Expr {
    Expr::IsNotNull(Box::new(paren(e)))
}

pub fn in_list(e: Expr, list: Vec<Expr>, negated: bool) -> Expr {
    Expr::In {
        expr: Box::new(paren(e)),
        target: InTarget::List(list),
        negated,
        global: false,
    }
}

/// `e IN UNNEST(array)` (BigQuery).
pub fn in_unnest(e: Expr, array: Expr) -> Expr {
    Expr::In {
        expr: Box::new(paren(e)),
        target: InTarget::Unnest(Box::new(array)),
        negated: false,
        global: false,
    }
}

pub fn cast(e: Expr, to: &str) -> Expr {
    Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(e),
        data_type: ty(to),
        format: None,
    }
}

/// `name(args…)`.
pub fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(Function {
        name: ObjectName::from(vec![raw(name)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args
                .into_iter()
                .map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a)))
                .collect(),
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

/// `count(*)`.
pub fn count_star() -> Expr {
    Expr::Function(Function {
        name: ObjectName::from(vec![raw("count")]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: vec![FunctionArg::Unnamed(FunctionArgExpr::Wildcard)],
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

/// `CASE WHEN c THEN r … ELSE e END`.
pub fn case(arms: Vec<(Expr, Expr)>, otherwise: Option<Expr>) -> Expr {
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: arms
            .into_iter()
            .map(|(condition, result)| CaseWhen { condition, result })
            .collect(),
        else_result: otherwise.map(Box::new),
    }
}

/// `CASE e WHEN v THEN r … ELSE o END`.
pub fn case_of(e: Expr, arms: Vec<(Expr, Expr)>, otherwise: Option<Expr>) -> Expr {
    match case(arms, otherwise) {
        Expr::Case {
            case_token,
            end_token,
            conditions,
            else_result,
            ..
        } => Expr::Case {
            case_token,
            end_token,
            operand: Some(Box::new(e)),
            conditions,
            else_result,
        },
        other => other,
    }
}

pub fn if_then(c: Expr, a: Expr, b: Expr) -> Expr {
    case(vec![(c, a)], Some(b))
}

/// `x -> body`, `(acc, x) -> body`, or DuckDB's `lambda x: body`.
pub fn lambda(params: Vec<Ident>, body: Expr, keyword: bool) -> Expr {
    let mut params: Vec<LambdaFunctionParameter> = params
        .into_iter()
        .map(|name| LambdaFunctionParameter {
            name,
            data_type: None,
        })
        .collect();
    let params = if params.len() == 1 {
        OneOrManyWithParens::One(params.remove(0))
    } else {
        OneOrManyWithParens::Many(params)
    };
    Expr::Lambda(LambdaFunction {
        params,
        body: Box::new(body),
        syntax: if keyword {
            LambdaSyntax::LambdaKeyword
        } else {
            LambdaSyntax::Arrow
        },
    })
}

/// `alias AS [MATERIALIZED] (query)`.
pub fn cte(alias: Ident, query: Query, materialized: bool) -> Cte {
    Cte {
        alias: TableAlias {
            explicit: false,
            name: alias,
            columns: Vec::new(),
            at: None,
        },
        query: Box::new(query),
        from: None,
        materialized: materialized.then_some(CteAsMaterialized::Materialized),
        closing_paren_token: AttachedToken::empty(),
    }
}

/// `SELECT items FROM from WHERE filter`, wrapped as a query with the CTEs `with`.
pub fn select(
    with: Vec<Cte>,
    projection: Vec<SelectItem>,
    from: Option<TableFactor>,
    filter: Option<Expr>,
) -> Query {
    let select = Select {
        select_token: AttachedToken::empty(),
        optimizer_hints: Vec::new(),
        distinct: None,
        select_modifiers: None,
        top: None,
        top_before_distinct: false,
        projection,
        exclude: None,
        into: None,
        from: from
            .into_iter()
            .map(|relation| TableWithJoins {
                relation,
                joins: Vec::new(),
            })
            .collect(),
        lateral_views: Vec::new(),
        prewhere: None,
        selection: filter,
        connect_by: Vec::new(),
        group_by: GroupByExpr::Expressions(Vec::new(), Vec::new()),
        cluster_by: Vec::new(),
        distribute_by: Vec::new(),
        sort_by: Vec::new(),
        having: None,
        named_window: Vec::new(),
        qualify: None,
        window_before_qualify: false,
        value_table_mode: None,
        flavor: SelectFlavor::Standard,
    };
    Query {
        with: (!with.is_empty()).then(|| With {
            with_token: AttachedToken::empty(),
            recursive: false,
            cte_tables: with,
        }),
        body: Box::new(SetExpr::Select(Box::new(select))),
        order_by: None,
        limit_clause: None,
        fetch: None,
        locks: Vec::new(),
        for_clause: None,
        settings: None,
        format_clause: None,
        pipe_operators: Vec::new(),
    }
}

/// `*` in a projection.
pub fn star() -> SelectItem {
    SelectItem::Wildcard(WildcardAdditionalOptions::default())
}

/// `e AS alias` in a projection.
pub fn item(expr: Expr, alias: Ident) -> SelectItem {
    SelectItem::ExprWithAlias { expr, alias }
}

/// A table or CTE by name.
pub fn table(name: ObjectName) -> TableFactor {
    TableFactor::Table {
        name,
        alias: None,
        args: None,
        with_hints: Vec::new(),
        version: None,
        with_ordinality: false,
        partitions: Vec::new(),
        json_path: None,
        sample: None,
        index_directives: Vec::new(),
        inheritance: None,
    }
}

fn alias(name: Ident, columns: Vec<Ident>) -> TableAlias {
    TableAlias {
        explicit: true,
        name,
        at: None,
        columns: columns
            .into_iter()
            .map(|name| TableAliasColumnDef {
                name,
                data_type: None,
            })
            .collect(),
    }
}

/// `UNNEST(array) AS name[(columns)]`.
pub fn unnest(array: Expr, name: Ident, columns: Vec<Ident>) -> TableFactor {
    TableFactor::UNNEST {
        alias: Some(alias(name, columns)),
        array_exprs: vec![array],
        with_offset: false,
        with_offset_alias: None,
        with_ordinality: false,
    }
}

/// A set-returning function in `FROM`: `f(args) AS name(columns)`.
pub fn table_function(
    name: &str,
    args: Vec<Expr>,
    alias_name: Ident,
    columns: Vec<Ident>,
) -> TableFactor {
    TableFactor::Function {
        lateral: false,
        name: ObjectName::from(vec![raw(name)]),
        args: args
            .into_iter()
            .map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a)))
            .collect(),
        with_ordinality: false,
        alias: Some(alias(alias_name, columns)),
    }
}

/// `(query)` as a value.
pub fn subquery(q: Query) -> Expr {
    Expr::Subquery(Box::new(q))
}

/// `[NOT] EXISTS (query)`.
pub fn exists(q: Query, negated: bool) -> Expr {
    Expr::Exists {
        subquery: Box::new(q),
        negated,
    }
}
