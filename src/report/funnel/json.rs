//! The report as one JSON document, in the shape docs/commands.md gives (numbers as `eval`
//! prints them; rates in [0, 1]; `by` and `outcome` are `null` when not asked for).

use super::model::*;
use crate::output::json::Json;

impl Report {
    /// The JSON document, indented.
    pub fn to_json(&self) -> String {
        self.json().to_pretty()
    }

    pub(super) fn json(&self) -> Json<'_> {
        let by = self.by.as_ref().map_or(Json::Null, |b| {
            Json::object([
                ("name", Json::str(b.name.as_str())),
                (
                    "groups",
                    Json::Array(
                        b.groups
                            .iter()
                            .map(|g| {
                                Json::object([
                                    ("value", group_value(&g.value)),
                                    ("records", count(g.records)),
                                    ("funnel", funnel(&g.funnel)),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        });
        let scores = self.scores.iter().map(|s| {
            let histogram = s.histogram.iter().map(|b| {
                Json::object([
                    ("from", Json::Number(b.from)),
                    ("to", Json::Number(b.to)),
                    ("count", count(b.count)),
                ])
            });
            (
                s.name.as_str(),
                Json::object([
                    ("count", count(s.count)),
                    ("mean", Json::number_or_null(s.mean)),
                    ("p10", Json::number_or_null(s.p10)),
                    ("p50", Json::number_or_null(s.p50)),
                    ("p90", Json::number_or_null(s.p90)),
                    ("histogram", Json::Array(histogram.collect())),
                ]),
            )
        });
        let grades = self.grades.iter().map(|g| {
            let labels = g.labels.iter().map(|(l, n)| {
                Json::object([("label", Json::str(l.as_str())), ("count", count(*n))])
            });
            (g.name.as_str(), Json::Array(labels.collect()))
        });
        let outcome = self.outcome.as_ref().map_or(Json::Null, |o| {
            Json::object([
                ("name", Json::str(o.name.as_str())),
                ("rate", Json::number_or_null(o.rate)),
                ("by_decile", rates_per(&o.by_decile)),
                ("by_grade", rates_per(&o.by_grade)),
            ])
        });
        let velocity = self.velocity.iter().map(|v| {
            Json::object([
                ("from", Json::str(v.from.as_str())),
                ("to", Json::str(v.to.as_str())),
                ("records", count(v.records)),
                ("p50_days", Json::number_or_null(v.p50_days)),
                ("p90_days", Json::number_or_null(v.p90_days)),
            ])
        });
        let flow = self.flow.rows.iter().map(|r| {
            let entered = self
                .flow
                .stages
                .iter()
                .zip(&r.entered)
                .map(|(s, n)| (s.as_str(), count(*n)));
            Json::object([
                ("period", Json::str(r.period.as_str())),
                ("entered", Json::object(entered)),
            ])
        });
        let detours = self
            .detours
            .iter()
            .map(|(s, n)| Json::object([("stage", Json::str(s.as_str())), ("at", count(*n))]));
        Json::object([
            ("records", count(self.records)),
            ("funnel", funnel(&self.funnel)),
            ("detours", Json::Array(detours.collect())),
            ("no_stage", count(self.no_stage)),
            ("by", by),
            ("scores", Json::object(scores)),
            ("grades", Json::object(grades)),
            ("outcome", outcome),
            ("velocity", Json::Array(velocity.collect())),
            ("flow", Json::Array(flow.collect())),
            ("slas", crate::report::sla::to_json(&self.slas)),
        ])
    }
}

fn count<'a>(n: u64) -> Json<'a> {
    Json::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn funnel(steps: &[FunnelStep]) -> Json<'_> {
    Json::Array(
        steps
            .iter()
            .map(|s| {
                Json::object([
                    ("stage", Json::str(s.stage.as_str())),
                    ("reached", count(s.reached)),
                    ("at", count(s.at)),
                    ("conversion", Json::number_or_null(s.conversion)),
                ])
            })
            .collect(),
    )
}

/// `{"engagement": [{…}, …]}`: rates per score or grade.
fn rates_per(rates: &[(String, Vec<Rate>)]) -> Json<'_> {
    Json::object(
        rates
            .iter()
            .map(|(name, rs)| (name.as_str(), Json::Array(rs.iter().map(rate).collect())))
            .collect::<Vec<_>>(),
    )
}

fn group_value(v: &GroupValue) -> Json<'_> {
    match v {
        GroupValue::Missing => Json::Null,
        GroupValue::Bool(b) => Json::Bool(*b),
        GroupValue::Str(s) => Json::str(s.as_str()),
        GroupValue::Other => Json::str("(other)"),
    }
}

fn rate(r: &Rate) -> Json<'_> {
    let mut members = match &r.group {
        RateGroup::Decile { decile, from, to } => vec![
            ("decile", Json::Int(i64::from(*decile))),
            ("from", Json::Number(*from)),
            ("to", Json::Number(*to)),
        ],
        RateGroup::Label(l) => vec![("label", Json::str(l.as_str()))],
    };
    members.extend([
        ("records", count(r.records)),
        ("rate", Json::number_or_null(r.rate)),
        ("lift", Json::number_or_null(r.lift)),
    ]);
    Json::object(members)
}
