//! A small scripted HTTP/1.1 server on 127.0.0.1 for tests that must not touch the internet:
//! a std `TcpListener` in a thread, one thread per connection, replies scripted per path, and
//! every request recorded (method, path, headers, body).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (to trigger client timeouts).
    pub delay: Duration,
    /// Close the connection without answering.
    pub drop: bool,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into().into_bytes(),
            delay: Duration::ZERO,
            drop: false,
        }
    }

    /// A reply with a binary body (a release archive, say).
    pub fn bytes(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            body,
            headers: vec![("content-type".into(), "application/octet-stream".into())],
            ..Reply::new(status, "")
        }
    }

    /// `{"error": {...}}` in OpenAI's envelope.
    pub fn openai_error(status: u16, message: &str, kind: &str, code: Option<&str>) -> Reply {
        let body = serde_json::json!({
            "error": { "message": message, "type": kind, "param": null, "code": code }
        });
        Reply::new(status, body.to_string())
    }

    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }

    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }

    /// A connection that is accepted and closed without a byte of answer.
    pub fn dropped() -> Reply {
        Reply {
            drop: true,
            ..Reply::new(0, "")
        }
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names lowercased.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

#[derive(Default)]
struct State {
    /// Per path: replies in order; the last one repeats.
    script: HashMap<String, Vec<Reply>>,
    served: HashMap<String, usize>,
    requests: Vec<Request>,
}

pub struct MockServer {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
}

impl MockServer {
    /// Starts a server on 127.0.0.1 with a free port. It lives until the test process ends.
    pub fn start() -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                std::thread::spawn(move || serve(conn, &st));
            }
        });
        MockServer { addr, state }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers requests to `path` (query ignored) with `replies` in order, the last repeating.
    pub fn on(&self, path: &str, replies: Vec<Reply>) -> &MockServer {
        self.state
            .lock()
            .unwrap()
            .script
            .insert(path.to_string(), replies);
        self
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Requests to `path` so far.
    pub fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path() == path).count()
    }
}

fn serve(conn: TcpStream, state: &Mutex<State>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match conn.try_clone() {
        Ok(c) => c,
        Err(_) => return,
    });
    let mut conn = conn;
    // One request per connection (replies say Connection: close).
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let req = Request {
        method,
        target,
        headers,
        body,
    };
    let path = req.path().to_string();
    let reply = {
        let mut st = state.lock().unwrap();
        st.requests.push(req);
        let n = *st.served.get(&path).unwrap_or(&0);
        st.served.insert(path.clone(), n + 1);
        st.script
            .get(&path)
            .map(|r| r[n.min(r.len() - 1)].clone())
            .unwrap_or_else(|| Reply::new(404, r#"{"error":"no script for this path"}"#))
    };
    std::thread::sleep(reply.delay);
    if reply.drop {
        let _ = conn.shutdown(std::net::Shutdown::Both);
        return;
    }
    let mut out = format!("HTTP/1.1 {} Scripted\r\n", reply.status);
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        reply.body.len()
    ));
    let _ = conn.write_all(out.as_bytes());
    let _ = conn.write_all(&reply.body);
    let _ = conn.flush();
}
