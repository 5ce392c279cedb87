//! The model picker overlay: a search field over a table of models.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use crate::app::picker::{PickMode, Picker};
use crate::app::App;
use crate::catalog::{Entry, Tag};
use crate::theme::Theme;

use super::overlay::{boxed, centered};

pub fn draw(app: &App, p: &Picker, theme: &Theme, f: &mut Frame, area: Rect) {
    let r = centered(
        area,
        area.width.saturating_sub(4).min(120),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let title = match p.mode {
        PickMode::SetModel => " pick a model for this pane ",
        PickMode::AddPane => " add a pane ",
        PickMode::AddFallback => " add a fallback model ",
    };
    let block = boxed(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 3 {
        return;
    }
    let mut field = p.input.clone();
    field.set_cursor_line_style(ratatui::style::Style::default());
    field.set_placeholder_style(theme.dim);
    let field_w = inner.width.saturating_sub(36).max(inner.width / 2);
    f.render_widget(&field, Rect::new(inner.x, inner.y, field_w, 1));
    let status = Line::from(vec![
        Span::styled(
            format!("{}/{}", p.results.len(), app.catalog.entries.len()),
            theme.stats,
        ),
        Span::styled(" · filter ", theme.dim),
        Span::styled(p.tag.name(), theme.key),
        Span::styled(" · sort ", theme.dim),
        Span::styled(p.sort.name(), theme.key),
        Span::raw(" "),
    ]);
    let right = Rect::new(inner.x + field_w, inner.y, inner.width - field_w, 1);
    f.render_widget(
        Paragraph::new(status).alignment(ratatui::layout::Alignment::Right),
        right,
    );

    let hint = match (&p.error, app.catalog.entries.is_empty()) {
        (Some(e), _) => Line::styled(e.clone(), theme.error),
        (None, true) => Line::styled(
            "No catalog yet (still loading, or offline with no copy on disk): type a model id and press Enter.",
            theme.dim,
        ),
        (None, false) => Line::styled(
            "Enter choose · Ctrl+N add as a new pane · Ctrl+E one pane per provider · Tab filter · Ctrl+S sort · Esc close",
            theme.dim,
        ),
    };
    let bottom = Rect::new(inner.x, inner.bottom() - 1, inner.width, 1);
    f.render_widget(Paragraph::new(hint), bottom);

    let mut table_area = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(2),
    );
    // The providers of the highlighted model, below the list when there is room.
    let current = p.current(&app.catalog.entries);
    if let Some((e, list)) =
        current.and_then(|e| app.catalog.endpoints.get(&e.info.id).map(|l| (e, l)))
    {
        let want = (list.len() as u16 + 2).min(10);
        if !list.is_empty() && table_area.height >= want + 6 {
            table_area.height -= want;
            let area = Rect::new(table_area.x, table_area.bottom(), table_area.width, want);
            endpoints(&e.info.id, list, theme, f, area);
        }
    }
    let many_providers = app.catalog.catalogs.len() > 1;
    // Narrow screens keep the model and its output price; the rest goes first.
    let cols = Columns::for_width(table_area.width);
    let header = Row::new(
        cols.headers()
            .into_iter()
            .map(|h| Cell::from(h).style(theme.title)),
    );
    // Only the rows that can show are built: a 2,000-model catalog costs a screenful.
    let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
    let first = p.selected.saturating_sub(visible.saturating_sub(1));
    let rows: Vec<Row> = p
        .results
        .iter()
        .skip(first)
        .take(visible)
        .filter_map(|i| app.catalog.entries.get(*i))
        .map(|e| row(e, many_providers, cols, theme))
        .collect();
    let table = Table::new(rows, cols.widths())
        .header(header)
        .row_highlight_style(theme.selection);
    let mut state = TableState::default().with_selected(Some(p.selected - first));
    f.render_stateful_widget(table, table_area, &mut state);
}

/// One row per provider serving `model`: what it runs, what it costs, how fast and how
/// reliable it has been.
fn endpoints(
    model: &str,
    list: &[crate::catalog::ProviderEndpoint],
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let title = Line::from(vec![
        Span::styled(format!("providers of {model}"), theme.title),
        Span::styled(" · Ctrl+E opens one pane per provider", theme.dim),
    ]);
    f.render_widget(
        Paragraph::new(title),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let per_m = |p: Option<crate::cost::Price>| {
        p.and_then(crate::cost::Price::usd_per_million)
            .map_or("—".to_string(), |v| format!("{v:.2}"))
    };
    let rows: Vec<Row> = list
        .iter()
        .map(|ep| {
            Row::new(vec![
                Cell::from(ep.provider.clone()),
                Cell::from(ep.tag.clone()).style(theme.dim),
                Cell::from(ep.quantization.clone().unwrap_or_default()),
                Cell::from(ep.context.map_or(String::new(), short_count)),
                Cell::from(per_m(ep.price.map(|p| p.prompt))),
                Cell::from(per_m(ep.price.map(|p| p.completion))),
                Cell::from(ep.latency_p50.map_or("—".into(), |v| format!("{v:.0}ms"))),
                Cell::from(ep.throughput_p50.map_or("—".into(), |v| format!("{v:.0}"))),
                Cell::from(ep.uptime.map_or("—".into(), |v| format!("{v:.1}%"))),
            ])
        })
        .collect();
    let header = Row::new(
        [
            "provider", "slug", "quant", "context", "$/M in", "$/M out", "p50", "tok/s", "uptime",
        ]
        .into_iter()
        .map(|h| Cell::from(h).style(theme.title)),
    );
    let widths = [
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(7),
    ];
    f.render_widget(
        Table::new(rows, widths).header(header),
        Rect::new(
            area.x,
            area.y + 1,
            area.width,
            area.height.saturating_sub(1),
        ),
    );
}

#[derive(Clone, Copy)]
struct Columns {
    context: bool,
    input: bool,
    tags: bool,
}

impl Columns {
    fn for_width(w: u16) -> Self {
        Self {
            context: w >= 60,
            input: w >= 50,
            tags: w >= 90,
        }
    }

    fn headers(self) -> Vec<&'static str> {
        let mut h = vec!["model"];
        if self.context {
            h.push("context");
        }
        if self.input {
            h.push("$/M in");
        }
        h.push("$/M out");
        if self.tags {
            h.push("tags");
        }
        h
    }

    fn widths(self) -> Vec<Constraint> {
        let mut w = vec![Constraint::Fill(1)];
        if self.context {
            w.push(Constraint::Length(8));
        }
        if self.input {
            w.push(Constraint::Length(8));
        }
        w.push(Constraint::Length(8));
        if self.tags {
            w.push(Constraint::Length(22));
        }
        w
    }
}

fn row<'a>(e: &'a Entry, many_providers: bool, cols: Columns, theme: &Theme) -> Row<'a> {
    let m = &e.info;
    let id = if many_providers {
        format!("{}:{}", e.provider, m.id)
    } else {
        m.id.clone()
    };
    let ctx = m.context_length.map_or(String::new(), short_count);
    let price = |p: Option<crate::cost::Price>| match p {
        None => "—".to_string(),
        Some(crate::cost::Price::Dynamic) => "varies".to_string(),
        Some(p) => match p.usd_per_million() {
            Some(0.0) => "free".to_string(),
            Some(v) if v < 10.0 => format!("{v:.2}"),
            Some(v) => format!("{v:.1}"),
            None => "—".to_string(),
        },
    };
    let tags: Vec<&str> = [Tag::Free, Tag::Tools, Tag::Reasoning, Tag::Vision]
        .into_iter()
        .filter(|t| m.has(*t))
        .map(Tag::name)
        .collect();
    let mut cells = vec![Cell::from(id)];
    if cols.context {
        cells.push(Cell::from(ctx));
    }
    if cols.input {
        cells.push(Cell::from(price(m.price.map(|p| p.prompt))));
    }
    cells.push(Cell::from(price(m.price.map(|p| p.completion))));
    if cols.tags {
        cells.push(Cell::from(tags.join(" ")).style(theme.tag));
    }
    Row::new(cells)
}

/// 200000 → "200K", 1048576 → "1M".
pub fn short_count(n: u64) -> String {
    if n >= 1_000_000 && n % 1_000_000 < 50_000 {
        format!("{}M", n / 1_000_000)
    } else if n >= 1000 {
        format!("{}K", (n + 500) / 1000)
    } else {
        n.to_string()
    }
}
