//! A stream wrapper that keeps a copy of the first bytes each way: the handshake as it crossed
//! the wire, for [`crate::wire`] to read the version and alerts from.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Bytes kept each way: a handshake's plaintext part fits many times over.
const KEEP: usize = 32 * 1024;

/// The bytes a [`Tap`] kept, shared so that they can be read after the stream is gone.
#[derive(Clone, Default, Debug)]
pub struct Captured {
    /// The first bytes read from the peer (up to 32 KiB).
    pub read: Arc<Mutex<Vec<u8>>>,
    /// The first bytes written to the peer (up to 32 KiB).
    pub written: Arc<Mutex<Vec<u8>>>,
}

impl Captured {
    /// A copy of what was read so far.
    pub fn read_bytes(&self) -> Vec<u8> {
        self.read.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    /// A copy of what was written so far.
    pub fn written_bytes(&self) -> Vec<u8> {
        self.written.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

fn keep(buf: &Mutex<Vec<u8>>, bytes: &[u8]) {
    let mut b = buf.lock().unwrap_or_else(|p| p.into_inner());
    let room = KEEP.saturating_sub(b.len());
    b.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// A stream that passes everything through to `inner` and keeps a copy in `captured`.
pub struct Tap<S> {
    /// The wrapped transport.
    pub inner: S,
    /// Where the copies go.
    pub captured: Captured,
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = r {
            let new = buf.filled()[before..].to_vec();
            keep(&self.captured.read, &new);
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = r {
            keep(&self.captured.written, &buf[..n]);
        }
        r
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
