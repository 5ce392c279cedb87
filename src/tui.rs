//! The terminal playground's event loop: one task owns the [`App`], waits on input, the
//! executor's replies and a frame deadline, runs `update`, hands its effects to the
//! [`Executor`], draws with `ui` when something changed, and keeps what was drawn.

use std::io::Write;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::action::{Action, Effect};
use crate::app::executor::{Executor, Inboxes, Needs, Setup};
use crate::app::state::App;
use crate::app::update::update;
use crate::term::Term;

pub use crate::app::executor::load_history;

/// At most 60 frames a second.
const FRAME: Duration = Duration::from_millis(16);
/// While something animates (spinners, elapsed time) and nothing else happens.
const TICK: Duration = Duration::from_millis(100);

/// What the playground's loop starts with.
pub struct Runtime {
    pub setup: Setup,
    /// A stored session to play back, and how fast.
    pub replay: Option<(Vec<crate::session::export::RoundRec>, f64)>,
}

/// Actions handled between two chances to draw.
const MAX_BATCH: usize = 256;

/// The loop: input and replies become actions, `update` turns each into effects, the
/// executor carries them out (the loop itself only what needs the terminal), and a frame is
/// drawn when something changed; what it showed is kept for scrolling and clicks.
/// Returns what to warn about once the terminal is given back.
pub async fn run(app: &mut App, rt: Runtime, terminal: &mut Term) -> std::io::Result<Vec<String>> {
    let (mut exec, inboxes) = Executor::new(rt.setup);
    let Inboxes {
        actions: mut rx,
        ready: mut ready_rx,
    } = inboxes;
    spawn_signal_listener(exec.sender());
    let mut events = EventStream::new();
    let size = terminal.size()?;
    app.view.size = (size.width, size.height);
    let mut dirty = true;
    let wall = chrono::Local::now();
    app.today = wall.date_naive();
    app.unix = wall.timestamp();
    for effect in crate::app::update::startup(app) {
        carry_out(effect, app, &mut exec, terminal, &mut events);
    }
    if let Some((rounds, speed)) = rt.replay {
        tokio::spawn(crate::session::replay::play(rounds, speed, exec.sender()));
    }
    let mut last_draw = Instant::now()
        .checked_sub(FRAME)
        .unwrap_or_else(Instant::now);

    while !app.quit {
        if dirty && last_draw.elapsed() >= FRAME {
            app.now = Instant::now();
            let mut drawn = app.view.drawn.clone();
            terminal.draw(|f| drawn = crate::ui::frame(app, &app.view.theme, f))?;
            // Over what was just drawn: the sequences are the terminal's, not the buffer's.
            crate::hyperlink::write(terminal.backend_mut(), &drawn.links)?;
            app.view.drawn = drawn;
            last_draw = Instant::now();
            // A resize re-wraps what is off screen over the frames that follow.
            dirty = app.view.drawn.rewrapping;
        }
        // No deadline at all while idle: an idle playground does no work.
        let deadline = if dirty {
            Some(last_draw + FRAME)
        } else if app.animating() {
            Some(last_draw + TICK)
        } else {
            None
        };
        let mut batch = Vec::new();
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => batch.extend(input_action(ev)),
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(a) = rx.recv() => {
                batch.push(a);
                // Drain what else is ready so many deltas cost one frame, but only so much:
                // a stream faster than the loop would otherwise keep the batch growing and
                // the screen frozen until it ended.
                while batch.len() < MAX_BATCH {
                    let Ok(a) = rx.try_recv() else { break };
                    batch.push(a);
                }
            },
            Some(id) = ready_rx.recv() => {
                // Everything the requests that have events have received so far.
                let mut ids = vec![id];
                while let Ok(id) = ready_rx.try_recv() {
                    ids.push(id);
                }
                for request in ids {
                    batch.extend(exec.take(request).into_iter().map(|event| Action::Stream { request, event }));
                }
            },
            () = sleep_until(deadline) => {
                if !dirty {
                    batch.push(Action::Tick);
                }
            },
        }
        for action in batch {
            app.now = Instant::now();
            let wall = chrono::Local::now();
            app.today = wall.date_naive();
            app.unix = wall.timestamp();
            let effects = update(app, action);
            dirty = true;
            for effect in effects {
                carry_out(effect, app, &mut exec, terminal, &mut events);
            }
        }
    }
    // The answers a quit cancelled are still booked before the process ends.
    let mut warnings = Vec::new();
    if !exec.flush(Duration::from_secs(5)).await {
        warnings.push("the last answers' spend may not have been recorded".to_string());
    }
    warnings.extend(exec.failed_write());
    warnings.extend(exec.finish_traces(Duration::from_secs(3)).await);
    Ok(warnings)
}

/// An effect through the executor; what needs the terminal, here.
fn carry_out(
    effect: Effect,
    app: &mut App,
    exec: &mut Executor,
    terminal: &mut Term,
    events: &mut EventStream,
) {
    match exec.run(effect, app) {
        None => {}
        Some(Needs::Editor { text }) => {
            // The input reader must not compete with the editor for keystrokes.
            *events = EventStream::new();
            let result = edit_externally(&text, terminal);
            *events = EventStream::new();
            let _ = exec.sender().send(Action::EditorClosed(result));
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

fn input_action(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => Some(Action::Key(k)),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Mouse(m) => Some(Action::Mouse(m)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::FocusGained | Event::FocusLost => None,
    }
}

fn spawn_signal_listener(tx: UnboundedSender<Action>) {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::spawn(async move {
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        // POSIX fixes these numbers; the exit status is 128 plus the number, as shells report.
        let signal = tokio::select! {
            _ = term.recv() => 15,
            _ = hup.recv() => 1,
            _ = int.recv() => 2,
        };
        let _ = tx.send(Action::Terminate(signal));
    });
}

/// Suspends the screen, runs `$VISUAL`/`$EDITOR` on the text, and comes back.
fn edit_externally(text: &str, terminal: &mut Term) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let mut file = tempfile::Builder::new()
        .prefix("switchboard-prompt-")
        .suffix(".md")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    let path = file.path().to_path_buf();
    crate::term::restore();
    // Through the shell so EDITOR may carry arguments, e.g. "code --wait".
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    let back = crate::term::enter_screen();
    let _ = terminal.clear();
    back.map_err(|e| format!("cannot restore the screen: {e}"))?;
    match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the edited prompt: {e}")),
        Ok(s) => Err(format!("`{editor}` exited with {s}; prompt unchanged")),
        Err(e) => Err(format!("cannot run `{editor}`: {e}")),
    }
}
