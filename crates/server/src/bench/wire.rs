//! The load generator's end of a connection: just enough HTTP/1.1 to send a request and read a
//! `Content-Length` answer on a keep-alive connection.
//!
//! The generator shares the machine with the server it measures, so every microsecond it spends
//! is one the server may have to wait for. hyper's client spent ~19 µs of CPU on a request here,
//! twice the bare server's (a task for the connection and one for the caller with a channel
//! between them, a header map each way); this is one write, one read and one `httparse` of the
//! answer's head, all in the caller's task, as wrk does: ~6–7 µs, most of it the kernel's.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One keep-alive connection.
pub struct Wire {
    stream: TcpStream,
    host: String,
    /// The request being sent, rebuilt in place for each.
    out: Vec<u8>,
    /// What has been read and not yet handed out.
    input: Vec<u8>,
    /// Bytes at the front of `input` that belong to the answer last handed out.
    answered: usize,
}

impl Wire {
    /// Connects to `addr` (`host:port`), without Nagle's delay, as a load generator should.
    pub async fn connect(addr: &str) -> Result<Wire, String> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connecting to {addr}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Wire {
            stream,
            host: addr.to_string(),
            out: Vec::with_capacity(1024),
            input: Vec::with_capacity(8192),
            answered: 0,
        })
    }

    /// Sends a GET of `path` (with its query) and returns the answer's status and body.
    pub async fn get(&mut self, path: &str) -> Result<(u16, &[u8]), String> {
        self.request("GET", path, &[], b"").await
    }

    /// Sends one request and returns the answer's status and body. A non-empty `body` goes
    /// with its length; `headers` are added as given.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(u16, &[u8]), String> {
        self.input.drain(..self.answered);
        self.answered = 0;
        self.out.clear();
        for part in [method, " ", path, " HTTP/1.1\r\nhost: ", &self.host, "\r\n"] {
            self.out.extend_from_slice(part.as_bytes());
        }
        for (name, value) in headers {
            for part in [name, ": ", value, "\r\n"] {
                self.out.extend_from_slice(part.as_bytes());
            }
        }
        if !body.is_empty() {
            self.out.extend_from_slice(b"content-length: ");
            self.out
                .extend_from_slice(body.len().to_string().as_bytes());
            self.out.extend_from_slice(b"\r\n");
        }
        self.out.extend_from_slice(b"\r\n");
        self.out.extend_from_slice(body);
        self.stream
            .write_all(&self.out)
            .await
            .map_err(|e| format!("sending: {e}"))?;
        loop {
            if let Some((status, head, len)) = parse_head(&self.input)? {
                if self.input.len() >= head + len {
                    self.answered = head + len;
                    return Ok((status, &self.input[head..head + len]));
                }
                self.input.reserve(head + len - self.input.len());
            } else {
                self.input.reserve(4096);
            }
            let read = self
                .stream
                .read_buf(&mut self.input)
                .await
                .map_err(|e| format!("reading the answer: {e}"))?;
            if read == 0 {
                return Err("the server closed the connection mid-answer".into());
            }
        }
    }
}

/// The status, head length and body length of the answer at the front of `input`, once its
/// head is complete.
fn parse_head(input: &[u8]) -> Result<Option<(u16, usize, usize)>, String> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut answer = httparse::Response::new(&mut headers);
    let head = match answer.parse(input) {
        Ok(httparse::Status::Complete(head)) => head,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(format!("a malformed answer: {e}")),
    };
    let len = answer
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok())
        .ok_or("an answer without Content-Length (the bench reads only those)")?;
    Ok(Some((answer.code.unwrap_or(0), head, len)))
}

#[cfg(test)]
mod tests {
    use super::{Wire, parse_head};

    #[test]
    fn reads_status_and_lengths_once_the_head_is_complete() {
        let answer =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        let head = answer.len() - 2;
        assert_eq!(parse_head(answer), Ok(Some((200, head, 2))));
        assert_eq!(parse_head(&answer[..head - 1]), Ok(None));
        assert!(parse_head(b"HTTP/1.1 200 OK\r\n\r\n").is_err());
    }

    #[tokio::test]
    async fn sends_several_requests_on_one_connection() {
        use axum::routing::{get, post};
        let app = axum::Router::new()
            .route(
                "/q",
                get(|uri: axum::http::Uri| async move { uri.query().unwrap_or("").to_string() }),
            )
            .route(
                "/echo",
                post(|headers: axum::http::HeaderMap, body: String| async move {
                    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                    format!("{}:{body}", auth.unwrap_or("-"))
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let mut wire = Wire::connect(&addr).await.unwrap();
        for n in 0..3 {
            let (status, body) = wire.get(&format!("/q?n={n}")).await.unwrap();
            assert_eq!((status, body), (200, format!("n={n}").as_bytes()));
        }
        let big = "x".repeat(100_000);
        let (status, body) = wire
            .request(
                "POST",
                "/echo",
                &[("authorization", "Bearer t")],
                big.as_bytes(),
            )
            .await
            .unwrap();
        assert_eq!((status, body.len()), (200, "Bearer t:".len() + big.len()));
        let (status, _) = wire.get("/missing").await.unwrap();
        assert_eq!(status, 404);
    }
}
