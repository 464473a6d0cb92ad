//! HTTP headers the whole application shares: the request id and the Content-Security-Policy.

/// Header carrying the per-request id, on the request (for logs) and the response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The Content-Security-Policy: scripts only from this origin (plus the given inline-script
/// hashes) and WebAssembly compilation for the SPA; no inline scripts, no framing.
pub fn content_security_policy(script_hashes: &[String]) -> String {
    let mut script = String::from("'self' 'wasm-unsafe-eval'");
    for h in script_hashes {
        script.push(' ');
        script.push_str(h);
    }
    format!(
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; \
         form-action 'self'; img-src * blob: data:; font-src 'self'; \
         style-src 'self' 'unsafe-inline'; script-src {script}; connect-src 'self'"
    )
}
