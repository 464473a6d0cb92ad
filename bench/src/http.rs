//! A minimal keep-alive HTTP/1.1 client on hyper's connection API: one TCP connection per
//! load-generator worker, no pool, no redirects, no TLS, so the client costs as little CPU as
//! it can (it shares the cores with the server under test).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request};
use std::net::SocketAddr;
use tokio::net::TcpStream;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A response, read to the end.
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Result<serde_json::Value, Error> {
        Ok(serde_json::from_slice(&self.body)?)
    }
}

/// One request, prepared once and sent many times (headers are cloned per send).
#[derive(Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl Req {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// A form POST (`application/x-www-form-urlencoded`).
    pub fn form(path: impl Into<String>, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        Self {
            method: Method::POST,
            path: path.into(),
            headers: Vec::new(),
            body: Bytes::from(body),
        }
        .header("content-type", "application/x-www-form-urlencoded")
    }

    /// A JSON request with `method`.
    pub fn json(method: Method, path: impl Into<String>, body: &serde_json::Value) -> Self {
        Self {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: Bytes::from(body.to_string()),
        }
        .header("content-type", "application/json")
    }

    /// Adds a header (names and values here are constants or tokens, always valid).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.push((n, v));
        }
        self
    }

    /// `Authorization: Basic` for a client.
    pub fn basic(self, id: &str, secret: &str) -> Self {
        use base64::Engine;
        let b = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        self.header("authorization", &format!("Basic {b}"))
    }
}

/// One keep-alive connection.
pub struct Conn {
    addr: SocketAddr,
    host: String,
    sender: SendRequest<Full<Bytes>>,
}

impl Conn {
    /// Connects to `addr`; requests carry `Host: host`.
    pub async fn open(addr: SocketAddr, host: &str) -> Result<Self, Error> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (sender, conn) = http1::handshake(io).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Self {
            addr,
            host: host.to_owned(),
            sender,
        })
    }

    /// Sends `req` and reads the whole response. A connection the server closed is reopened
    /// once (servers may close idle keep-alive connections).
    pub async fn send(&mut self, req: &Req) -> Result<Response, Error> {
        if self.sender.ready().await.is_err() {
            *self = Self::open(self.addr, &self.host).await?;
        }
        let mut r = Request::builder()
            .method(req.method.clone())
            .uri(req.path.as_str())
            .body(Full::new(req.body.clone()))?;
        let h = r.headers_mut();
        h.insert(hyper::header::HOST, HeaderValue::from_str(&self.host)?);
        for (n, v) in &req.headers {
            h.append(n.clone(), v.clone());
        }
        let res = self.sender.send_request(r).await?;
        let (parts, body) = res.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Response {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}

/// One request on a fresh connection (setup steps, not measured).
pub async fn once(addr: SocketAddr, host: &str, req: &Req) -> Result<Response, Error> {
    Conn::open(addr, host).await?.send(req).await
}

/// The path and query of an absolute URL (servers advertise `http://localhost:PORT/...`; the
/// harness always connects to the loopback address itself).
pub fn path_of(url: &str) -> Result<String, Error> {
    let u = url::Url::parse(url)?;
    Ok(match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_owned(),
    })
}
