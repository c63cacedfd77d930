//! Charts drawn as SVG from the server's numbers (no script library; the
//! CSP stays as strict as the customer's), each with the same numbers as a
//! table behind a disclosure (「表で見る」), for screen readers and for
//! anyone who wants the figures, without doubling the page's height.

use leptos::prelude::*;

/// One bar.
#[derive(Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
}

/// Horizontal bars, scaled to the largest value; the table under it holds
/// the same numbers.
#[component]
pub fn BarChart(
    /// The chart's name (its caption and its image's label).
    title: String,
    bars: Vec<Bar>,
    /// The column heading of the numbers, e.g. 「件数」.
    unit: &'static str,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let row_h = 24;
    let label_w = 190;
    let bar_w = 300;
    let height = (bars.len() as i64 * row_h).max(row_h);
    let rects = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let y = i as i64 * row_h;
            let w = b.value * bar_w / max;
            view! {
                <text x="0" y=y + 16 class="chart-label">{b.label.clone()}</text>
                <rect x=label_w y=y + 4 width=w height=row_h - 8 class="chart-bar" />
                <text x=label_w + w + 6 y=y + 16 class="chart-value">{b.value}</text>
            }
        })
        .collect_view();
    let view_box = (label_w + bar_w + 60, height);
    view! { <ChartFigure title unit bars view_box marks=rects.into_any() /> }
}

/// A chart's frame: its caption, its marks as an SVG image named by the
/// caption, and its numbers as a table folded under 「表で見る」.
#[component]
fn ChartFigure(
    title: String,
    unit: &'static str,
    bars: Vec<Bar>,
    /// The SVG's width and height in its own units.
    view_box: (i64, i64),
    marks: AnyView,
) -> impl IntoView {
    let rows = bars
        .iter()
        .map(|b| {
            view! { <tr><th scope="row">{b.label.clone()}</th><td>{b.value}</td></tr> }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            <svg
                role="img"
                aria-label=title.clone()
                viewBox=format!("0 0 {} {}", view_box.0, view_box.1)
                width="100%"
            >
                {marks}
            </svg>
            <details class="chart-figures">
                <summary>"表で見る"</summary>
                <table class="chart-table">
                    <caption class="visually-hidden">{title}</caption>
                    <thead><tr><th scope="col">"項目"</th><th scope="col">{unit}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

/// Vertical columns side by side (24 hours in one row), scaled to the
/// largest value; every third label is written under its column.
#[component]
pub fn ColumnChart(
    /// The chart's name (its caption and its image's label).
    title: String,
    bars: Vec<Bar>,
    /// The column heading of the numbers, e.g. 「件数」.
    unit: &'static str,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let col_w = 20;
    let plot_h = 80;
    let height = plot_h + 34;
    let cols = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = i as i64 * col_w;
            let h = b.value * plot_h / max;
            let y = 14 + plot_h - h;
            view! {
                <rect x=x + 3 y=y width=col_w - 6 height=h class="chart-bar" />
                {(b.value > 0).then(|| view! {
                    <text x=x + col_w / 2 y=y - 3 text-anchor="middle" class="chart-value">{b.value}</text>
                })}
                {(i % 3 == 0).then(|| view! {
                    <text x=x + col_w / 2 y=height - 4 text-anchor="middle" class="chart-label">{b.label.clone()}</text>
                })}
            }
        })
        .collect_view();
    let view_box = (bars.len() as i64 * col_w, height);
    view! { <ChartFigure title unit bars view_box marks=cols.into_any() /> }
}
