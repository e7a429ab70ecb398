//! Captions: timed transcript cues re-cut into reading-sized WebVTT cues.
//!
//! Each transcript cue is cut on its own (captions never span two cues) into the fewest
//! captions that are at most [`MAX_LINES`] lines of [`MAX_LINE`] characters and, where the words
//! allow, at most 7 s long: `n = max(⌈len/84⌉, ⌈duration/7 s⌉)`, raised until the text fits. The
//! words are then split into `n` balanced pieces by a small dynamic programme that scores each
//! piece by its distance from the balanced length and by the break it ends on (sentence end,
//! then clause boundary, then any space). The cue's time is shared out in proportion to each
//! piece's characters (counting the space after it), contiguously, in whole milliseconds.

use crate::model::Cue;
use std::fmt::Write as _;

/// The longest caption line in characters; only a single longer word (a URL) may exceed it.
pub const MAX_LINE: usize = 42;
/// The most lines a caption has.
pub const MAX_LINES: usize = 2;

/// Longest caption display time aimed for, in milliseconds.
const MAX_CAPTION_MS: u64 = 7_000;
/// Shortest caption display time aimed for (a soft goal), in milliseconds.
const MIN_CAPTION_MS: u64 = 1_000;
/// Characters per caption used for the first guess of the caption count.
const CHARS_PER_CAPTION: usize = 84;

/// One caption cue: at most two lines of at most 42 characters (see [`MAX_LINE`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// Start time in milliseconds.
    pub start_ms: u64,
    /// End time in milliseconds, greater than `start_ms`.
    pub end_ms: u64,
    /// The lines, plain text (no markup, no escapes).
    pub lines: Vec<String>,
    /// The speaker, on the first caption cut from a cue that names one (written as `<v Name>`).
    pub speaker: Option<String>,
}

/// Re-cuts timed transcript cues into reading-sized captions, in order.
///
/// Words are never lost, reordered or altered. A cue too short in time to give each caption a
/// millisecond (far below any real speech rate) gets fewer captions of more than two lines.
pub fn captions(cues: &[Cue]) -> Vec<Caption> {
    cues.iter().flat_map(cut_cue).collect()
}

/// Writes captions as a WebVTT file: header, then numbered cues, ending in a single newline.
pub fn to_webvtt(captions: &[Caption]) -> String {
    let mut out = String::from("WEBVTT\n");
    for (number, c) in captions.iter().enumerate() {
        let (start, end) = (timestamp(c.start_ms), timestamp(c.end_ms));
        let mut text = match c.speaker.as_deref().map(normalize) {
            Some(voice) if !voice.is_empty() => format!("<v {}>", escape(&voice)),
            _ => String::new(),
        };
        let lines = c.lines.iter().map(|l| escape(&normalize(l)));
        text += &lines
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let _ = write!(out, "\n{}\n{start} --> {end}\n{text}\n", number + 1);
    }
    out
}

fn timestamp(ms: u64) -> String {
    let (h, m, s) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    format!("{h:02}:{m:02}:{s:02}.{:03}", ms % 1000)
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// How strongly a word ends a unit of sense: the kind of break that may follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    Sentence,
    Clause,
    Space,
}

impl Break {
    fn after(word: &str) -> Break {
        let core = word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '}', '»']);
        match core.chars().last() {
            Some('.' | '?' | '!' | '…') => Break::Sentence,
            Some(',' | ';' | ':' | '—' | '–') => Break::Clause,
            _ if !core.is_empty() && core.chars().all(|c| c == '-') => Break::Clause,
            _ => Break::Space,
        }
    }

    /// Penalties for ending a caption here and for breaking a line here, weighed against the
    /// distance from balance.
    fn penalties(self) -> (f64, f64) {
        match self {
            Break::Sentence => (0.0, 0.0),
            Break::Clause => (0.3, 0.1),
            Break::Space => (0.8, 0.3),
        }
    }
}

/// Lays out a run of words: `None` if it needs more than two lines, else where line 2 starts.
///
/// A line is valid when it has at most [`MAX_LINE`] characters or is a single word.
fn layout(lens: &[usize], breaks: &[Break]) -> Option<Option<usize>> {
    let total = lens.iter().sum::<usize>() + lens.len().saturating_sub(1);
    if lens.len() <= 1 || total <= MAX_LINE {
        return Some(None);
    }
    let mut best: Option<(f64, usize)> = None;
    let mut first = 0;
    for k in 1..lens.len() {
        first += lens[k - 1] + usize::from(k > 1);
        let second = total - first - 1;
        if (first > MAX_LINE && k > 1) || (second > MAX_LINE && k + 1 < lens.len()) {
            continue;
        }
        let cost = first.abs_diff(second) as f64 / total as f64 + breaks[k - 1].penalties().1;
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, k));
        }
    }
    best.map(|(_, k)| Some(k))
}

/// One transcript cue, prepared for cutting.
struct Plan<'a> {
    words: Vec<&'a str>,
    lens: Vec<usize>,
    breaks: Vec<Break>,
    /// `pre[j]`: characters of words `0..j`, each counted with the space after it.
    pre: Vec<usize>,
}

impl<'a> Plan<'a> {
    fn new(text: &'a str) -> Self {
        let words: Vec<&str> = text.split_whitespace().collect();
        let lens: Vec<usize> = words.iter().map(|w| w.chars().count()).collect();
        let breaks = words.iter().map(|w| Break::after(w)).collect();
        let pre = std::iter::once(0).chain(lens.iter().scan(0, |acc, len| {
            *acc += len + 1;
            Some(*acc)
        }));
        let pre = pre.collect();
        Plan {
            words,
            lens,
            breaks,
            pre,
        }
    }

    fn weight(&self, i: usize, j: usize) -> usize {
        self.pre[j] - self.pre[i]
    }

    /// For each start word, the end (exclusive) of the longest allowed piece starting there.
    ///
    /// Dropping a piece's first word keeps it allowed, so the ends never decrease: each search
    /// starts where the previous one stopped (two pointers, linear in the words).
    fn reach(&self, max_weight: usize) -> Vec<usize> {
        let mut ends = Vec::with_capacity(self.words.len());
        let mut j = 1;
        for i in 0..self.words.len() {
            j = j.max(i + 1);
            while j < self.words.len()
                && self.weight(i, j + 1) <= max_weight
                && layout(&self.lens[i..=j], &self.breaks[i..=j]).is_some()
            {
                j += 1;
            }
            ends.push(j);
        }
        ends
    }

    /// Piece ends of the greedy (fewest pieces) split.
    fn greedy(&self, reach: &[usize]) -> Vec<usize> {
        let mut ends = vec![];
        let mut i = 0;
        while i < self.words.len() {
            i = reach[i];
            ends.push(i);
        }
        ends
    }

    /// Piece ends of the best split into exactly `n` allowed pieces (`n` must be feasible).
    fn balanced(&self, reach: &[usize], n: usize, dur: u64) -> Vec<usize> {
        let (m, total) = (self.words.len(), self.pre[self.words.len()] as f64);
        let ideal = total / n as f64;
        let min_w = total * MIN_CAPTION_MS as f64 / dur as f64;
        let max_w = total * MAX_CAPTION_MS as f64 / dur as f64;
        let piece_cost = |i: usize, j: usize| {
            let w = self.weight(i, j) as f64;
            let mut cost = 4.0 * ((w - ideal) / ideal).powi(2);
            if j < m {
                cost += self.breaks[j - 1].penalties().0;
            }
            if w < min_w {
                cost += 2.0 * (1.0 - w / min_w);
            }
            if w > max_w {
                cost += 2.0 * (w / max_w - 1.0);
            }
            cost
        };
        // Rolling cost rows; `back[k][j]`: start of piece k of the best split of words 0..j.
        let mut cost = vec![f64::INFINITY; m + 1];
        cost[0] = 0.0;
        let mut back = vec![vec![0u32; m + 1]; n + 1];
        for k in 0..n {
            let mut next = vec![f64::INFINITY; m + 1];
            // Piece k+1 may start only where enough words remain for the pieces after it.
            for i in k..=m - (n - k) {
                if cost[i].is_infinite() {
                    continue;
                }
                for j in i + 1..=reach[i].min(m - (n - k - 1)) {
                    let c = cost[i] + piece_cost(i, j);
                    if c < next[j] {
                        (next[j], back[k + 1][j]) = (c, i as u32);
                    }
                }
            }
            cost = next;
        }
        let mut ends = vec![m];
        for k in (2..=n).rev() {
            ends.push(back[k][ends[ends.len() - 1]] as usize);
        }
        ends.reverse();
        ends
    }

    fn lines(&self, i: usize, j: usize) -> Vec<String> {
        let join = |a: usize, b: usize| self.words[a..b].join(" ");
        match layout(&self.lens[i..j], &self.breaks[i..j]) {
            Some(None) => vec![join(i, j)],
            Some(Some(k)) => vec![join(i, i + k), join(i + k, j)],
            // Only in the degenerate case: fill lines greedily.
            None => {
                let mut lines: Vec<String> = vec![];
                for word in &self.words[i..j] {
                    match lines.last_mut() {
                        Some(l) if l.chars().count() + 1 + word.chars().count() <= MAX_LINE => {
                            l.push(' ');
                            l.push_str(word);
                        }
                        _ => lines.push((*word).to_owned()),
                    }
                }
                lines
            }
        }
    }
}

fn cut_cue(cue: &Cue) -> Vec<Caption> {
    let plan = Plan::new(&cue.text);
    if plan.words.is_empty() {
        return vec![];
    }
    let (m, total) = (plan.words.len(), plan.pre[plan.words.len()]);
    // A cue with end <= start (the model rules it out) is treated as lasting 1 ms.
    let dur = cue.end_ms.saturating_sub(cue.start_ms).max(1);
    let max_n = m.min(usize::try_from(dur).unwrap_or(usize::MAX));
    let n0 = (total - 1)
        .div_ceil(CHARS_PER_CAPTION)
        .max(dur.div_ceil(MAX_CAPTION_MS) as usize);
    let max_w7 = usize::try_from(u128::from(MAX_CAPTION_MS) * total as u128 / u128::from(dur))
        .unwrap_or(usize::MAX);
    let timed = plan.reach(max_w7);
    let untimed = plan.reach(usize::MAX);
    let mut ends = None;
    for reach in [&timed, &untimed] {
        let fewest = plan.greedy(reach).len();
        if fewest <= max_n {
            ends = Some(plan.balanced(reach, n0.clamp(fewest, max_n), dur));
            break;
        }
    }
    // Degenerate: fewer milliseconds than captions needed; merge fitting pieces into groups.
    let ends = ends.unwrap_or_else(|| {
        let pieces = plan.greedy(&untimed);
        (1..=max_n)
            .map(|g| pieces[g * pieces.len() / max_n - 1])
            .collect()
    });
    share_time(cue, dur, &plan, &ends)
}

fn share_time(cue: &Cue, dur: u64, plan: &Plan, ends: &[usize]) -> Vec<Caption> {
    let total = plan.pre[plan.words.len()] as u128;
    let n = ends.len() as u64;
    let mut captions = Vec::with_capacity(ends.len());
    let (mut from_word, mut from_ms) = (0, cue.start_ms);
    for (k, &to_word) in (1..).zip(ends) {
        let share = (u128::from(dur) * plan.pre[to_word] as u128 * 2 + total) / (2 * total);
        let to_ms = (cue.start_ms + share as u64).clamp(from_ms + 1, cue.start_ms + dur - (n - k));
        captions.push(Caption {
            start_ms: from_ms,
            end_ms: to_ms,
            lines: plan.lines(from_word, to_word),
            speaker: if k == 1 { cue.speaker.clone() } else { None },
        });
        (from_word, from_ms) = (to_word, to_ms);
    }
    captions
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cue(start_ms: u64, end_ms: u64, text: &str) -> Cue {
        let text = text.to_owned();
        Cue {
            start_ms,
            end_ms,
            speaker: None,
            text,
        }
    }

    fn texts(caps: &[Caption]) -> Vec<String> {
        caps.iter().map(|c| c.lines.join(" ")).collect()
    }

    fn check_limits(caps: &[Caption]) {
        for c in caps {
            assert!((1..=MAX_LINES).contains(&c.lines.len()), "{c:?}");
            let ok = |l: &String| l.chars().count() <= MAX_LINE || !l.contains(' ');
            assert!(c.lines.iter().all(ok), "{c:?}");
        }
    }

    const LONG: &str = "So this Internet Plus action is about the new model of the industry based on \
        the evolution of the ICT technology. The main idea and purpose is to integrate the \
        internet and digital technology into the traditional industry, for example, energy, \
        agriculture, logistics, and finance, as well as health care and et cetera, more \
        traditional industries, trying to upgrade them by marrying them with the new technologies.";

    #[test]
    fn long_text_respects_line_and_time_limits() {
        let caps = captions(&[cue(10_000, 40_000, LONG)]);
        check_limits(&caps);
        // ⌈414 / 84⌉ = 5 balanced pieces do not all wrap into 2 × 42; 6 do.
        assert_eq!((LONG.len(), caps.len()), (414, 6));
        let durations = caps.iter().map(|c| c.end_ms - c.start_ms);
        assert!(durations.into_iter().all(|d| (1000..=7000).contains(&d)));
        assert_eq!(texts(&caps).join(" "), normalize(LONG));
    }

    #[test]
    fn prefers_sentence_then_clause_boundaries() {
        let text = "Hello there, my friends. How are you today?";
        let caps = captions(&[cue(0, 10_000, text)]);
        assert_eq!(
            texts(&caps),
            ["Hello there, my friends.", "How are you today?"]
        );
        // 107 characters: two captions; the sentence end beats spaces nearer the middle.
        let text = "This first sentence is fairly short. But the second sentence is a great deal \
                    longer, so it needs two lines.";
        let caps = captions(&[cue(0, 6_000, text)]);
        assert_eq!(caps[0].lines, ["This first sentence is fairly short."]);
        let second = [
            "But the second sentence is a great",
            "deal longer, so it needs two lines.",
        ];
        assert_eq!(
            (caps.len(), &caps[1].lines[..]),
            (2, &second.map(String::from)[..])
        );
        assert_eq!(
            (caps[0].end_ms, caps[1].start_ms, caps[1].end_ms),
            (2_056, 2_056, 6_000)
        );
        // Within a caption, a clause boundary near the middle beats the exact middle.
        let text = "Energy, agriculture and finance, as well as health care";
        let lines = ["Energy, agriculture and finance,", "as well as health care"];
        assert_eq!(captions(&[cue(0, 5_000, text)])[0].lines, lines);
        let text = "one two three four five six seven eight nine ten eleven";
        let lines = ["one two three four five six", "seven eight nine ten eleven"];
        assert_eq!(captions(&[cue(0, 5_000, text)])[0].lines, lines);
    }

    #[test]
    fn time_is_shared_contiguously_by_length() {
        let caps = captions(&[cue(4_000, 51_000, LONG), cue(51_000, 52_500, LONG)]);
        let (first, second): (Vec<_>, Vec<_>) = caps.into_iter().partition(|c| c.end_ms <= 51_000);
        for (part, start, end) in [(&first, 4_000, 51_000), (&second, 51_000, 52_500)] {
            let span = (part[0].start_ms, part[part.len() - 1].end_ms);
            assert_eq!(span, (start, end));
            assert!(part.windows(2).all(|w| w[0].end_ms == w[1].start_ms));
            assert!(part.iter().all(|c| c.end_ms > c.start_ms));
        }
        let ms_per_char =
            |c: &Caption| (c.end_ms - c.start_ms) as f64 / (c.lines.join(" ").len() + 1) as f64;
        let rates: Vec<f64> = first.iter().map(ms_per_char).collect();
        assert!(
            rates.iter().all(|r| (r - rates[0]).abs() < 0.05),
            "{rates:?}"
        );
        // The 1.5 s cue keeps just the captions its text needs, each under 1 s, not merged.
        check_limits(&second);
        assert_eq!(second.len(), 6);
        assert_eq!(texts(&second).join(" "), normalize(LONG));
        // 1 ms per caption is the floor: fewer captions, more lines, nothing lost.
        let caps = captions(&[cue(0, 2, LONG)]);
        let times: Vec<_> = caps.iter().map(|c| (c.start_ms, c.end_ms)).collect();
        assert_eq!(times, [(0, 1), (1, 2)]);
        let mut lines = caps.iter().flat_map(|c| &c.lines);
        assert!(lines.all(|l| l.chars().count() <= MAX_LINE));
        assert_eq!(texts(&caps).join(" "), normalize(LONG));
    }

    #[test]
    fn over_long_word_gets_its_own_line() {
        let url = "https://example.org/a/very/long/path/that/keeps/going/on.html";
        let caps = captions(&[cue(0, 4_000, &format!("Read more at {url} today"))]);
        check_limits(&caps);
        assert!(caps.iter().any(|c| c.lines.iter().any(|l| l == url)));
        assert_eq!(captions(&[cue(0, 100, url)])[0].lines, [url]);
    }

    #[test]
    fn escapes_text_and_tags_the_speaker_once() {
        let text = "R&D <rocks> --> yes. Then a second, much longer sentence follows on here.";
        let mut c = cue(1_000, 12_500, text);
        c.speaker = Some("Q&A <Host>".into());
        let caps = captions(&[c]);
        assert_eq!(caps[0].speaker.as_deref(), Some("Q&A <Host>"));
        assert!(caps.len() > 1 && caps[1..].iter().all(|c| c.speaker.is_none()));
        let vtt = to_webvtt(&caps);
        assert!(vtt.starts_with("WEBVTT\n\n1\n00:00:01.000 --> "));
        assert!(vtt.contains("\n<v Q&amp;A &lt;Host&gt;>R&amp;D &lt;rocks&gt; --&gt; yes."));
        assert_eq!(vtt.matches("<v ").count(), 1);
        assert!(vtt.ends_with(".\n") && !vtt.ends_with("\n\n"));
    }

    #[test]
    fn webvtt_layout() {
        assert_eq!(to_webvtt(&[]), "WEBVTT\n");
        assert!(captions(&[]).is_empty() && captions(&[cue(0, 9, " ")]).is_empty());
        let mut caps = captions(&[cue(3_723_004, 3_726_000, "a b")]);
        caps[0].lines = vec!["a".into(), " ".into(), "b\n".into()];
        caps.push(Caption {
            start_ms: 3_725_000,
            end_ms: 3_726_000,
            ..caps[0].clone()
        });
        (caps[0].end_ms, caps[1].lines) = (3_725_000, vec!["c".into()]);
        let want = "WEBVTT\n\n1\n01:02:03.004 --> 01:02:05.000\na\nb\n\n\
                    2\n01:02:05.000 --> 01:02:06.000\nc\n";
        assert_eq!(to_webvtt(&caps), want);
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => "[a-zA-Zé&<>]{1,10}[.,;:!?…”]{0,2}",
            1 => "[—–-]",
            1 => "https://[a-z/]{30,60}",
        ]
    }

    proptest! {
        #[test]
        fn cutting_preserves_words_limits_and_time(
            cues in prop::collection::vec(
                (prop::collection::vec(word(), 1..80), prop_oneof![1u64..100, 100u64..120_000]),
                0..4,
            ),
            gap in 0u64..5_000,
        ) {
            let mut t = 0;
            let cues: Vec<Cue> = cues.iter().map(|(words, dur)| {
                t += dur + gap;
                cue(t - dur, t, &words.join(" "))
            }).collect();
            let caps = captions(&cues);
            let want: Vec<&str> = cues.iter().map(|c| c.text.as_str()).collect();
            prop_assert_eq!(texts(&caps).join(" "), want.join(" "));
            let mut rest = caps.as_slice();
            for c in &cues {
                let n = rest.iter().take_while(|k| k.end_ms <= c.end_ms).count();
                let (mine, after) = rest.split_at(n);
                rest = after;
                prop_assert_eq!(texts(mine).join(" "), c.text.clone());
                prop_assert_eq!((mine[0].start_ms, mine[n - 1].end_ms), (c.start_ms, c.end_ms));
                prop_assert!(mine.windows(2).all(|w| w[0].end_ms == w[1].start_ms));
                prop_assert!(mine.iter().all(|k| k.end_ms > k.start_ms));
                if c.end_ms - c.start_ms >= c.text.split(' ').count() as u64 {
                    check_limits(mine);
                }
            }
            to_webvtt(&caps);
        }
    }
}
