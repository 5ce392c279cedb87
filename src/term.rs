//! The terminal guard: raw mode and the alternate screen in, everything restored on any exit.

use std::io::{stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    KeyboardEnhancementFlags, PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

pub type Term = Terminal<CrosstermBackend<std::io::Stdout>>;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Restores the terminal when dropped. Restoring twice is harmless.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn enter() -> std::io::Result<(Self, Term)> {
        install_panic_hook();
        enter_screen()?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok((Self, terminal))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal into the playground's mode (again, after `$EDITOR`).
pub fn enter_screen() -> std::io::Result<()> {
    enable_raw_mode()?;
    // Only now is there something to restore: a start that failed before this point must
    // print its error and nothing else.
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        // Lets terminals that support it report Shift+Enter; others ignore the request.
        PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
    )
}

/// Leaves raw mode and the alternate screen. Never panics; safe to call any number of times.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = stdout();
    let _ = execute!(
        out,
        PopKeyboardEnhancementFlags,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// A panic anywhere, a network task included, restores the terminal, reports, and exits:
/// carrying on after a task died would leave a half-working screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        eprintln!("switchboard stopped because of an internal error (above). Please report it.");
        std::process::exit(101);
    }));
}
