//! Arbitrary bytes, cut into pieces where the input says, through the SSE decoder: it must end
//! with exactly one terminal event and never panic.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use switchboard::stream::task::{decode_sse, BodyError};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the piece size, so splits vary with the input.
    let Some((&size, body)) = data.split_first() else {
        return;
    };
    let size = usize::from(size).max(1);
    let pieces: Vec<Result<Bytes, BodyError>> = body
        .chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let mut terminal = 0;
    let mut last_terminal = false;
    futures::executor::block_on(decode_sse(futures::stream::iter(pieces), |e| {
        last_terminal = e.is_terminal();
        terminal += usize::from(e.is_terminal());
    }));
    assert_eq!(terminal, 1);
    assert!(last_terminal);
});
