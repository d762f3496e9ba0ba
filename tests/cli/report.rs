//! report.html in a real browser: headless Chromium loads the page with no console
//! errors, shows every theme, and takes a screenshot.

use std::process::Command;

use crate::util::*;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_report_loads_in_headless_chromium_and_shows_every_theme() {
    let Some(browser) = chromium() else {
        // CI installs Chromium (.ci/run); elsewhere the test says why it did nothing.
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is missing on CI"
        );
        eprintln!("skipped: no Chromium on this machine (apt-get install chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    dirs.run_seeds(&[]);
    let page = format!("file://{}", dirs.out.join("report.html").display());
    let shot = tmp.path().join("report.png");
    let browser_args = |extra: &[String]| {
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ]
        .map(String::from)
        .to_vec();
        args.push(format!(
            "--user-data-dir={}",
            tmp.path().join("profile").display()
        ));
        args.extend_from_slice(extra);
        args.push(page.clone());
        args
    };

    let dom = Command::new(browser)
        .args(browser_args(&["--dump-dom".into()]))
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "chromium --dump-dom failed: {}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    if let Some(line) = log.lines().find(|l| l.contains("CONSOLE")) {
        panic!("the page logged to the console: {line}");
    }
    for theme in dirs.themes().themes {
        let name = theme.name.replace('&', "&amp;");
        assert_contains("the rendered page shows the theme", &name, &dom_text);
    }

    let screenshot = Command::new(browser)
        .args(browser_args(&[
            format!("--screenshot={}", shot.display()),
            "--window-size=1300,2400".into(),
            "--hide-scrollbars".into(),
        ]))
        .output()
        .unwrap();
    assert!(
        screenshot.status.success(),
        "screenshot failed: {}",
        String::from_utf8_lossy(&screenshot.stderr)
    );
    let png = read_bytes(&shot);
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 50_000,
        "screenshot is {} bytes",
        png.len()
    );
}
