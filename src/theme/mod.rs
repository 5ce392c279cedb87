//! Themes: semantic roles mapped to styles, plus a syntect theme for code. Drawing code asks
//! for a role, never for a colour. Shipped themes live in `themes/*.toml` and are embedded;
//! files in the user's themes folder override or add by name.

mod load;
pub mod syntax;

use ratatui::style::Style;

pub use load::{load_all, parse, ThemeError, BUILTIN};

/// Declares the roles once: the struct, the list of names, and lookup by name.
macro_rules! roles {
    ($($name:ident),+ $(,)?) => {
        #[derive(Clone, Debug, PartialEq)]
        pub struct Theme {
            pub name: String,
            /// The syntect theme for code blocks.
            pub syntax: String,
            $(pub $name: Style,)+
        }

        pub const ROLES: &[&str] = &[$(stringify!($name)),+];

        impl Theme {
            fn role_mut(&mut self, role: &str) -> Option<&mut Style> {
                match role {
                    $(stringify!($name) => Some(&mut self.$name),)+
                    _ => None,
                }
            }

            fn blank(name: &str) -> Self {
                Self { name: name.to_string(), syntax: "base16-ocean.dark".into(), $($name: Style::default(),)+ }
            }

            /// Every role without colour: for `NO_COLOR`. Bold, italic and the rest stay.
            pub fn without_colour(&self) -> Self {
                let strip = |s: Style| Style { fg: None, bg: None, underline_color: None, ..s };
                Self { name: self.name.clone(), syntax: self.syntax.clone(), $($name: strip(self.$name),)+ }
            }
        }
    };
}

roles!(
    border,
    border_focused,
    title,
    title_focused,
    served,
    simulated,
    stats,
    dim,
    user,
    answer,
    heading,
    heading2,
    heading3,
    emphasis,
    strong,
    strike,
    link,
    url,
    quote,
    list_marker,
    table_border,
    table_header,
    rule,
    code,
    inline_code,
    code_label,
    reasoning,
    error,
    notice,
    header,
    header_accent,
    key,
    cursor,
    tab_active,
    overlay,
    gauge_ok,
    gauge_warn,
    gauge_high,
    gauge_over,
    selection,
    tag,
    marker,
);

impl Default for Theme {
    /// The shipped dark theme.
    fn default() -> Self {
        load::builtin("dark").unwrap_or_else(|| Theme::blank("dark"))
    }
}

impl Theme {
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.border_focused
        } else {
            self.border
        }
    }

    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.title_focused
        } else {
            self.title
        }
    }

    pub fn gauge(&self, level: crate::cost::budget::Level) -> Style {
        use crate::cost::budget::Level;
        match level {
            Level::Ok => self.gauge_ok,
            Level::Warn => self.gauge_warn,
            Level::High => self.gauge_high,
            Level::Over => self.gauge_over,
        }
    }

    /// Whether colour should be left out, per <https://no-color.org>.
    pub fn no_color_requested() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }
}
