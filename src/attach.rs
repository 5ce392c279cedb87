//! Images attached to a prompt: read, checked, and encoded as data URLs.

use std::path::Path;

use base64::Engine;

/// Larger images are refused: providers reject them, and they cost a great deal.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub name: String,
    pub bytes: u64,
    /// `data:image/png;base64,…`
    pub data_url: String,
}

impl Attachment {
    /// "cat.png (120 KB)"
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, size(self.bytes))
    }
}

/// "73 B", "1.5 KB", "120 KB", "4.2 MB": bytes below a kilobyte, a decimal while the figure is
/// small, and never a unit's worth shown in the unit below ("1024 KB").
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while unit + 1 < UNITS.len() && v >= 1023.5 {
        v /= 1024.0;
        unit += 1;
    }
    if v < 9.95 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

fn mime(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// `~/` means the home folder, as in a shell.
pub fn expand(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// Whether the bytes start the way files of this type do.
fn looks_like(mime: &str, data: &[u8]) -> bool {
    match mime {
        "image/png" => data.starts_with(&[0x89, b'P', b'N', b'G']),
        "image/jpeg" => data.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/gif" => data.starts_with(b"GIF8"),
        "image/webp" => data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP",
        _ => false,
    }
}

/// Reads an image for a prompt; says plainly what is wrong with one that will not do.
pub fn load(path: &Path) -> Result<Attachment, String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("image")
        .to_string();
    let mime = mime(path)
        .ok_or_else(|| format!("{name}: not an image this can send (png, jpeg, gif or webp)"))?;
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_BYTES {
        return Err(format!(
            "{name} is {:.1} MB; images over {} MB are refused",
            meta.len() as f64 / 1_048_576.0,
            MAX_BYTES / 1_048_576
        ));
    }
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !looks_like(mime, &data) {
        return Err(format!(
            "{name}: the contents are not {mime}, whatever the name says"
        ));
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
    Ok(Attachment {
        name,
        bytes: meta.len(),
        data_url: format!("data:{mime};base64,{encoded}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_the_unit_that_fits() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(73), "73 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1024), "1.0 KB");
        assert_eq!(size(1536), "1.5 KB");
        assert_eq!(size(10 * 1024), "10 KB");
        assert_eq!(size(120 * 1024 + 100), "120 KB");
        assert_eq!(size(1024 * 1024 - 1), "1.0 MB");
        assert_eq!(size(4_404_019), "4.2 MB");
        assert_eq!(size(MAX_BYTES), "5.0 MB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GB");
    }

    #[test]
    fn images_are_encoded_and_the_wrong_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("dot.png");
        std::fs::write(&png, [0x89, b'P', b'N', b'G']).unwrap();
        let a = load(&png).unwrap();
        assert_eq!(a.data_url, "data:image/png;base64,iVBORw==");
        assert_eq!(a.label(), "dot.png (4 B)");
        let txt = dir.path().join("notes.txt");
        std::fs::write(&txt, "hi").unwrap();
        assert!(load(&txt).unwrap_err().contains("not an image"));
        let fake = dir.path().join("fake.png");
        std::fs::write(&fake, "hello").unwrap();
        assert_eq!(
            load(&fake).unwrap_err(),
            "fake.png: the contents are not image/png, whatever the name says"
        );
        let big = dir.path().join("big.jpg");
        std::fs::write(&big, vec![0u8; (MAX_BYTES + 1) as usize]).unwrap();
        assert!(load(&big).unwrap_err().contains("refused"));
        assert!(load(&dir.path().join("missing.gif")).is_err());
    }
}
