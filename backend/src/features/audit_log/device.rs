//! The `device` of an audit entry: "<browser> on <OS> <version>" read from a User-Agent header,
//! for the browsers and systems people actually sign in with (a small table of markers, no
//! regex database).

/// `"Firefox on Linux"`, `"Chrome on Windows 10"`, `"Safari on iOS 17.4"`, `"curl"`; `"Unknown"`
/// for an empty header.
pub fn describe(user_agent: &str) -> String {
    let ua = user_agent.trim();
    if ua.is_empty() {
        return "Unknown".to_owned();
    }
    let browser = browser(ua);
    match (browser, os(ua)) {
        (Some(b), Some((os, v))) if v.is_empty() => format!("{b} on {os}"),
        (Some(b), Some((os, v))) => format!("{b} on {os} {v}"),
        (Some(b), None) => b.to_owned(),
        (None, Some((os, v))) if v.is_empty() => format!("Unknown on {os}"),
        (None, Some((os, v))) => format!("Unknown on {os} {v}"),
        (None, None) => product(ua).unwrap_or("Unknown").to_owned(),
    }
}

/// The browser's name. Order matters: Chromium derivatives also say `Chrome/` and `Safari/`,
/// Chrome also says `Safari/`.
fn browser(ua: &str) -> Option<&'static str> {
    const MARKERS: &[(&str, &str)] = &[
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("Edge/", "Edge"),
        ("OPR/", "Opera"),
        ("OPiOS/", "Opera"),
        ("Opera", "Opera"),
        ("Vivaldi/", "Vivaldi"),
        ("YaBrowser/", "Yandex Browser"),
        ("SamsungBrowser/", "Samsung Browser"),
        ("DuckDuckGo/", "DuckDuckGo"),
        ("FxiOS/", "Firefox"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("MSIE ", "Internet Explorer"),
        ("Trident/", "Internet Explorer"),
    ];
    if let Some((_, name)) = MARKERS.iter().find(|(m, _)| ua.contains(m)) {
        return Some(name);
    }
    // Real Safari carries `Version/x Safari/y`; in-app web views carry neither.
    (ua.contains("Safari/") && ua.contains("Version/")).then_some("Safari")
}

/// The operating system and its version (empty when the header does not say).
fn os(ua: &str) -> Option<(&'static str, String)> {
    if let Some(nt) = after(ua, "Windows NT ") {
        let v = match version_token(nt).as_str() {
            "10.0" => "10",
            "6.3" => "8.1",
            "6.2" => "8",
            "6.1" => "7",
            "6.0" => "Vista",
            "5.1" | "5.2" => "XP",
            _ => "",
        };
        return Some(("Windows", v.to_owned()));
    }
    if ua.contains("Windows") {
        return Some(("Windows", String::new()));
    }
    // Before macOS: iPhone and iPad agents say "like Mac OS X".
    if ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod") {
        let v = after(ua, " OS ").map(version_token).unwrap_or_default();
        return Some(("iOS", v));
    }
    // Before Linux: Android agents say "Linux; Android 14".
    if let Some(rest) = after(ua, "Android") {
        let v = version_token(rest.trim_start());
        return Some(("Android", v));
    }
    if ua.contains("CrOS") {
        return Some(("ChromeOS", String::new()));
    }
    if let Some(rest) = after(ua, "Mac OS X") {
        return Some(("macOS", version_token(rest.trim_start())));
    }
    if ua.contains("Macintosh") {
        return Some(("macOS", String::new()));
    }
    if ua.contains("FreeBSD") {
        return Some(("FreeBSD", String::new()));
    }
    if ua.contains("Linux") || ua.contains("X11") {
        return Some(("Linux", String::new()));
    }
    None
}

/// The text after the first `marker`.
fn after<'a>(ua: &'a str, marker: &str) -> Option<&'a str> {
    ua.find(marker).map(|i| &ua[i + marker.len()..])
}

/// The leading version number (`17_4_1` → `17.4.1`), empty when there is none.
fn version_token(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '_')
        .collect::<String>()
        .replace('_', ".")
        .trim_end_matches('.')
        .to_owned()
}

/// The first product name of a non-browser client (`curl/8.5.0` → `curl`).
fn product(ua: &str) -> Option<&str> {
    let token = ua.split_whitespace().next()?;
    let name = token.split('/').next()?;
    (!name.is_empty() && name != "Mozilla").then_some(name)
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_browsers_and_systems() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
                "Chrome on Windows 10",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
                "Edge on Windows 10",
            ),
            (
                "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
                "Internet Explorer on Windows 7",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
                "Safari on macOS 10.15.7",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
                "Safari on iOS 17.4.1",
            ),
            (
                "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
                "Chrome on iOS 16.6",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36",
                "Chrome on Android 14",
            ),
            (
                "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
                "Samsung Browser on Android 13",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
                "Opera on macOS 10.15.7",
            ),
            (
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
                "Chrome on ChromeOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
                "Firefox on iOS 17.5",
            ),
        ];
        for (ua, want) in cases {
            assert_eq!(describe(ua), want, "{ua}");
        }
    }

    #[test]
    fn tools_and_empty_agents() {
        assert_eq!(describe("curl/8.5.0"), "curl");
        assert_eq!(describe("python-requests/2.32.3"), "python-requests");
        assert_eq!(describe(""), "Unknown");
        assert_eq!(describe("Mozilla/5.0 (compatible)"), "Unknown");
        assert_eq!(
            describe("Mozilla/5.0 (X11; Linux x86_64) SomeWebView"),
            "Unknown on Linux"
        );
    }
}
