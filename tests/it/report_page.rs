//! The page of `smql report --html`, as a person sees it: rendered by headless chromium (at a
//! desktop and a phone's width), its DOM dumped after layout and a screenshot taken. The charts
//! must be in the DOM with the numbers of the JSON report, and the page must ask for nothing
//! (its CSP forbids it; no address in it). Skips where chromium is missing, except on CI
//! (`CI=true`), where `.ci/install-chromium` provides it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::report::{report, report_json, scratch};

/// Chromium's binary: `$CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs chromium headless on `page`, with its own profile in `profile`, at `width`.
fn render(chromium: &Path, profile: &Path, page: &Path, width: u32, extra: &[String]) -> String {
    let url = format!("file://{}", page.display());
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},2400"))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Width and height of a PNG, from its header.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(..8)? != b"\x89PNG\r\n\x1a\n" || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |r: std::ops::Range<usize>| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(r)?.try_into().ok()?))
    };
    Some((be(16..20)?, be(20..24)?))
}

/// The text of the `<svg>` whose title is `title`, in the dumped DOM.
fn chart<'a>(dom: &'a str, title: &str) -> &'a str {
    let needle = format!("-title\">{title}</title>");
    let Some(at) = dom.find(&needle) else {
        panic!("no chart titled `{title}` in the DOM");
    };
    let start = dom[..at].rfind("<svg").unwrap_or(at);
    let end = dom[at..].find("</svg>").map_or(dom.len(), |e| at + e);
    &dom[start..end]
}

#[test]
fn chromium_renders_the_charts_with_their_numbers_and_requests_nothing() {
    let Some(chromium) = chromium() else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "chromium is required on CI: run .ci/install-chromium"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium, or set CHROMIUM)");
        return;
    };
    let dir = scratch("chromium");
    let page = dir.join("report.html");
    let options = ["--by", "source", "--outcome", "Customer"];
    let mut args = options.to_vec();
    let path = page.display().to_string();
    args.extend(["--html", &path]);
    report(&args);
    let r = report_json(&options);

    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    for external in [
        "http:", "https:", "src=", "url(", "<link", "@import", "<script",
    ] {
        assert!(!html.contains(external), "`{external}` in the page");
    }

    let profile = dir.join("profile");
    let dom = render(&chromium, &profile, &page, 1000, &["--dump-dom".into()]);
    assert!(dom.contains("<h1>Lead report</h1>"), "{dom}");
    // Chromium keeps the policy it enforced.
    assert!(dom.contains("default-src 'none'"));

    let funnel = chart(&dom, "Funnel");
    for step in r["funnel"].as_array().into_iter().flatten() {
        let (stage, reached) = (&step["stage"], &step["reached"]);
        let label = format!(">{}</text>", stage.as_str().unwrap_or_default());
        assert!(funnel.contains(&label), "no `{label}` in the funnel chart");
        assert!(
            funnel.contains(&format!(">{reached}")),
            "no {reached} for {stage} in the funnel chart"
        );
    }
    let by = chart(&dom, "Conversion by source");
    for g in r["by"]["groups"].as_array().into_iter().flatten() {
        let value = g["value"].as_str().unwrap_or_default();
        assert!(by.contains(&format!(">{value}</text>")), "no {value}");
        assert!(by.contains(&format!(" of {}</text>", g["records"])));
    }
    let histogram = chart(&dom, "Histogram of engagement");
    let bins = r["scores"]["engagement"]["histogram"].as_array();
    for b in bins.into_iter().flatten() {
        assert!(histogram.contains(&format!(">{}</text>", b["count"])));
    }
    assert_eq!(histogram.matches("<rect").count(), 10);
    let deciles = chart(&dom, "Customer rate by decile of engagement");
    assert!(deciles.contains("class=\"reference\""), "the overall rate");
    assert!(deciles.contains(">decile 10</text>"));
    let flow = chart(&dom, "Lead flow");
    assert_eq!(
        flow.matches("<polyline").count(),
        4,
        "one line per dated stage"
    );
    assert!(flow.contains(&format!(
        ">{}</text>",
        r["flow"][0]["period"].as_str().unwrap_or("")
    )));
    let slas = chart(&dom, "SLA compliance against target");
    assert_eq!(
        slas.matches("class=\"marker\"").count(),
        r["slas"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| !s["target"].is_null())
            .count(),
        "a mark per target"
    );

    // Screenshots at a desktop's and a phone's width: the page lays out at both.
    for (width, name) in [(1000, "desktop.png"), (375, "phone.png")] {
        let shot = dir.join(name);
        render(
            &chromium,
            &profile,
            &page,
            width,
            &[format!("--screenshot={}", shot.display())],
        );
        let bytes = std::fs::read(&shot).expect("a screenshot");
        assert_eq!(png_size(&bytes), Some((width, 2400)), "{name}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
