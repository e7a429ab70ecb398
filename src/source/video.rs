//! Video references: YouTube and Vimeo page URLs or ids, direct MP4/WebM/HLS URLs.
//!
//! Pure string work; local files are checked by the loader, which owns the file system.

use crate::model::{MediaKind, VideoSource};

/// Why a video reference was not understood; the loader turns it into a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoError {
    /// One line, lowercase start.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

fn error(message: impl Into<String>, help: impl Into<String>) -> VideoError {
    VideoError {
        message: message.into(),
        help: help.into(),
    }
}

/// The parts of an absolute URL the video rules need.
struct Url<'a> {
    scheme: String,
    host: String,
    path: &'a str,
    query: &'a str,
}

fn split_url(url: &str) -> Option<Url<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let rest = rest.split('#').next().unwrap_or_default();
    let (authority, path_query) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => match rest.find('?') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        },
    };
    let host = authority.rsplit('@').next()?.split(':').next()?;
    if host.is_empty() {
        return None;
    }
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    Some(Url {
        scheme: scheme.to_ascii_lowercase(),
        host: host
            .to_ascii_lowercase()
            .trim_start_matches("www.")
            .to_string(),
        path,
        query,
    })
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether `id` has the shape of a YouTube video id (11 of `A–Z a–z 0–9 _ -`).
pub fn is_youtube_id(id: &str) -> bool {
    id.len() == 11
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `id` has the shape of a Vimeo video id (digits only).
pub fn is_vimeo_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// A YouTube start offset: `90`, `90s`, `1m30s`, `1h2m3s`.
fn youtube_start(value: &str) -> Option<u64> {
    if let Ok(seconds) = value.parse() {
        return Some(seconds);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in value.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().ok()?;
        number.clear();
        total = total.checked_add(match c {
            'h' => n.checked_mul(3600)?,
            'm' => n.checked_mul(60)?,
            's' => n,
            _ => return None,
        })?;
    }
    number.is_empty().then_some(total)
}

fn youtube(url: &Url<'_>) -> Result<VideoSource, VideoError> {
    let segments: Vec<&str> = url.path.split('/').filter(|s| !s.is_empty()).collect();
    let id = if url.host == "youtu.be" {
        segments.first().copied()
    } else {
        match segments.as_slice() {
            ["watch", ..] => query_param(url.query, "v"),
            ["embed" | "shorts" | "live" | "v" | "e", id, ..] => Some(*id),
            _ => None,
        }
    };
    let start_s = query_param(url.query, "t")
        .or_else(|| query_param(url.query, "start"))
        .and_then(youtube_start);
    match id {
        Some(id) if is_youtube_id(id) => Ok(VideoSource::YouTube {
            id: id.to_string(),
            start_s,
        }),
        Some(id) => Err(error(
            format!("`{id}` is not a YouTube video id"),
            "a YouTube id has 11 letters, digits, `_` or `-`: copy the address from the video's Share button",
        )),
        None => Err(error(
            "this YouTube address names no video",
            "use the video's own address, e.g. `https://www.youtube.com/watch?v=ID` or `https://youtu.be/ID`",
        )),
    }
}

fn vimeo(url: &Url<'_>) -> Result<VideoSource, VideoError> {
    let segments: Vec<&str> = url.path.split('/').filter(|s| !s.is_empty()).collect();
    let position = segments.iter().position(|s| is_vimeo_id(s));
    let Some(position) = position else {
        return Err(error(
            "this Vimeo address names no video",
            "use the video's own address, e.g. `https://vimeo.com/76979871` or `https://player.vimeo.com/video/76979871`",
        ));
    };
    let hash = query_param(url.query, "h")
        .or_else(|| segments.get(position + 1).copied())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_string);
    Ok(VideoSource::Vimeo {
        id: segments[position].to_string(),
        hash,
    })
}

/// Reads a `url = "…"` video reference.
pub fn parse_url(raw: &str) -> Result<VideoSource, VideoError> {
    let trimmed = raw.trim();
    let Some(url) = split_url(trimmed) else {
        return Err(error(
            format!("`{raw}` is not an absolute URL"),
            "write the full address starting with `https://`; for a file on disk use `file = \"…\"` instead",
        ));
    };
    if url.scheme != "https" && url.scheme != "http" {
        return Err(error(
            format!("`{}` URLs cannot be played in a lesson page", url.scheme),
            "use an `https://` address",
        ));
    }
    match url.host.as_str() {
        "youtube.com"
        | "m.youtube.com"
        | "music.youtube.com"
        | "youtu.be"
        | "youtube-nocookie.com" => return youtube(&url),
        "vimeo.com" | "player.vimeo.com" => return vimeo(&url),
        _ => {}
    }
    let path = url.path.to_ascii_lowercase();
    let owned = trimmed.to_string();
    if path.ends_with(".mp4") || path.ends_with(".m4v") {
        Ok(VideoSource::File {
            url: owned,
            kind: MediaKind::Mp4,
        })
    } else if path.ends_with(".webm") {
        Ok(VideoSource::File {
            url: owned,
            kind: MediaKind::WebM,
        })
    } else if path.ends_with(".m3u8") {
        Ok(VideoSource::Hls { url: owned })
    } else {
        Err(error(
            "cannot tell what kind of video this URL plays",
            "use a YouTube or Vimeo page address, or a direct address ending in `.mp4`, `.webm` or `.m3u8`",
        ))
    }
}

/// Reads a `youtube = "…"` reference: a bare video id, or any YouTube address.
pub fn parse_youtube(raw: &str) -> Result<VideoSource, VideoError> {
    let raw = raw.trim();
    if is_youtube_id(raw) {
        return Ok(VideoSource::YouTube {
            id: raw.into(),
            start_s: None,
        });
    }
    match parse_url(raw) {
        Ok(source @ VideoSource::YouTube { .. }) => Ok(source),
        _ => Err(error(
            format!("`{raw}` is not a YouTube video id"),
            "a YouTube id has 11 letters, digits, `_` or `-`, as in `https://youtu.be/ID`",
        )),
    }
}

/// Reads a `vimeo = "…"` reference: a bare video id, or any Vimeo address.
pub fn parse_vimeo(raw: &str) -> Result<VideoSource, VideoError> {
    let raw = raw.trim();
    if is_vimeo_id(raw) {
        return Ok(VideoSource::Vimeo {
            id: raw.into(),
            hash: None,
        });
    }
    match parse_url(raw) {
        Ok(source @ VideoSource::Vimeo { .. }) => Ok(source),
        _ => Err(error(
            format!("`{raw}` is not a Vimeo video id"),
            "a Vimeo id is the number in `https://vimeo.com/NUMBER`",
        )),
    }
}

/// The container of a local or remote video file, by extension.
pub fn media_kind(path: &str) -> Option<MediaKind> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".mp4") || lower.ends_with(".m4v") {
        Some(MediaKind::Mp4)
    } else if lower.ends_with(".webm") {
        Some(MediaKind::WebM)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yt(id: &str, start_s: Option<u64>) -> VideoSource {
        VideoSource::YouTube {
            id: id.into(),
            start_s,
        }
    }

    #[test]
    fn youtube_url_forms() {
        let id = "dQw4w9WgXcQ";
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ#x",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube.com/live/dQw4w9WgXcQ",
            "http://www.youtube.com/v/dQw4w9WgXcQ",
        ] {
            assert_eq!(parse_url(url), Ok(yt(id, None)), "{url}");
        }
        assert_eq!(
            parse_url("https://youtu.be/dQw4w9WgXcQ?t=1m30s"),
            Ok(yt(id, Some(90)))
        );
        assert_eq!(
            parse_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42"),
            Ok(yt(id, Some(42)))
        );
        assert!(parse_url("https://www.youtube.com/watch?v=short").is_err());
        assert!(parse_url("https://www.youtube.com/channel/UC123").is_err());
    }

    #[test]
    fn vimeo_url_forms() {
        let plain = VideoSource::Vimeo {
            id: "76979871".into(),
            hash: None,
        };
        assert_eq!(parse_url("https://vimeo.com/76979871"), Ok(plain.clone()));
        assert_eq!(
            parse_url("https://player.vimeo.com/video/76979871"),
            Ok(plain.clone())
        );
        assert_eq!(
            parse_url("https://vimeo.com/channels/staffpicks/76979871"),
            Ok(plain)
        );
        let hashed = VideoSource::Vimeo {
            id: "76979871".into(),
            hash: Some("8272103f6e".into()),
        };
        assert_eq!(
            parse_url("https://vimeo.com/76979871/8272103f6e"),
            Ok(hashed.clone())
        );
        assert_eq!(
            parse_url("https://player.vimeo.com/video/76979871?h=8272103f6e"),
            Ok(hashed)
        );
        assert!(parse_url("https://vimeo.com/about").is_err());
    }

    #[test]
    fn bare_ids_and_addresses_by_key() {
        assert_eq!(parse_youtube(" dQw4w9WgXcQ "), Ok(yt("dQw4w9WgXcQ", None)));
        assert_eq!(
            parse_youtube("https://youtu.be/dQw4w9WgXcQ"),
            Ok(yt("dQw4w9WgXcQ", None))
        );
        assert!(parse_youtube("https://vimeo.com/76979871").is_err());
        assert!(parse_vimeo("76979871").is_ok());
        assert!(parse_vimeo("dQw4w9WgXcQ").is_err());
    }

    #[test]
    fn direct_files_and_hls() {
        assert_eq!(
            parse_url("https://cdn.example.org/a/Lecture.MP4?sig=1"),
            Ok(VideoSource::File {
                url: "https://cdn.example.org/a/Lecture.MP4?sig=1".into(),
                kind: MediaKind::Mp4
            })
        );
        assert!(matches!(
            parse_url("https://cdn.example.org/a.webm"),
            Ok(VideoSource::File {
                kind: MediaKind::WebM,
                ..
            })
        ));
        assert!(matches!(
            parse_url("https://cdn.example.org/master.m3u8"),
            Ok(VideoSource::Hls { .. })
        ));
        assert!(parse_url("https://example.org/page.html").is_err());
        assert!(parse_url("ftp://example.org/a.mp4").is_err());
        assert!(parse_url("media/a.mp4").is_err());
    }
}
