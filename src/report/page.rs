//! The shell shared by every HTML page: document head, one stylesheet that reads well on a
//! laptop and on paper (`@media print`), and the footer.

use super::escape_html;

/// The stylesheet of every page: light, dense tables, cards, charts that scale, and print
/// rules that keep colours, avoid splitting blocks and drop screen-only spacing.
pub const CSS: &str = r#"
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#e3e5e8;--card:#f6f7f9;--accent:#4e79a7;--up:#c0392b;--down:#2e7d32}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:#fff;color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 32px 48px}
h1{font-size:26px;margin:0 0 4px;letter-spacing:-.01em}
h1 .period{color:var(--accent)}
h2{font-size:18px;margin:34px 0 10px;padding-bottom:5px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:20px 0 8px}
p{margin:6px 0}
.sub,.muted{color:var(--muted)}
.small{font-size:12px}
.note{background:#fff8e1;border:1px solid #f3d37a;border-radius:6px;padding:8px 12px;margin:12px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:12px;margin-top:20px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .k{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:26px;font-weight:650;line-height:1.2;margin:2px 0}
.card .d{font-size:12px;color:var(--muted)}
.up{color:var(--up)}.down{color:var(--down)}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px;margin-top:18px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px 12px 6px}
figcaption{font-weight:600;margin-bottom:2px}
figure .hint{font-size:12px;color:var(--muted);margin:0 0 4px}
svg.chart{display:block;height:auto}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;background:#fafbfc;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.x{overflow-wrap:anywhere;min-width:16em}
tr:target td{background:#fff3cd}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:600;color:#fff;white-space:nowrap}
.b-new{background:#4e79a7}.b-recurring{background:#8c7b70}.b-growing{background:#e15759}.b-resolved{background:#59a14f}
.chip{display:inline-block;padding:0 6px;margin-right:4px;border-radius:4px;font-size:11px;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.c-low{color:#2f5d8a}.c-neg{color:#b3570d}.c-err{color:#b03a3c}
.case{border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:6px;padding:8px 12px;margin:8px 0}
.case .meta{font-size:12px;color:var(--muted);margin-bottom:4px}
.case .meta code{color:var(--fg)}
.case p{margin:3px 0;overflow-wrap:anywhere}
.case p b{display:inline-block;min-width:82px;color:var(--muted);font-weight:600;font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
a{color:var(--accent);text-decoration:none}
footer{margin-top:40px;padding-top:10px;border-top:1px solid var(--line);font-size:12px;color:var(--muted)}
@media (max-width:820px){main{padding:18px}.grid2{grid-template-columns:1fr}}
@media print{
 @page{size:A4;margin:12mm}
 body{font-size:10.5px}
 main{max-width:none;padding:0}
 h1{font-size:20px}
 h2{font-size:14px;margin-top:18px;break-after:avoid}
 h3{break-after:avoid}
 .cards{grid-template-columns:repeat(3,1fr);gap:6px}
 .card{padding:6px 8px}.card .v{font-size:18px}
 .grid2{grid-template-columns:1fr 1fr;gap:8px}
 section{break-inside:auto}
 figure,.card,.case,tr{break-inside:avoid}
 table{font-size:10px}
 th,td{padding:3px 5px}
 th{white-space:normal}
 td.x{min-width:0}
 a{color:inherit}
 .screen{display:none}
}
"#;

/// Opens a page: doctype, head with title and stylesheet, `<main>`.
pub fn start(title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape_html(title)
    )
}

/// Closes a page with a footer (HTML allowed) naming the tool.
pub fn end(footer_html: &str) -> String {
    format!(
        "<footer>{footer_html}<p>Made by logwarden {} · self-contained page: no script, no network.</p></footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    )
}
