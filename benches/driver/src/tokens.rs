//! The words the streaming benchmark sends, `tk<digits>q`, found again in whatever
//! text carries them (SSE frames, proxied provider bytes, Lua output lines).

/// The tokens in `text`: (digits, stamp written by the minimal server, if any).
pub fn tokens(text: &str) -> Vec<(String, Option<u128>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(pos) = text[i..].find("tk") {
        let start = i + pos + 2;
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end > start && end < bytes.len() && bytes[end] == b'q' {
            let key = text[start..end].to_owned();
            let mut stamp = None;
            let mut next = end + 1;
            if bytes.get(next) == Some(&b'@') {
                let digits = next + 1;
                next = digits;
                while next < bytes.len() && bytes[next].is_ascii_digit() {
                    next += 1;
                }
                stamp = text[digits..next].parse().ok();
            }
            out.push((key, stamp));
            i = next;
        } else {
            i = start;
        }
    }
    out
}
