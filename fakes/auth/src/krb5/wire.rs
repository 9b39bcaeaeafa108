//! Kerberos over TCP (RFC 4120 §7.2.2): each message preceded by its length, four bytes in
//! network order, one request and one answer per connection. TCP, not UDP: a reply with a PAC
//! does not fit a datagram (a KDC answers `KRB_ERR_RESPONSE_TOO_BIG` and the client retries
//! over TCP anyway).

use super::error::Krb5Error;
use mailconform_sim::BoxIo;
use mailconform_sim::HttpClient;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The largest answer read: a ticket with a PAC is a few kilobytes, and a length beyond this
/// is not a KDC speaking.
const MAX_ANSWER: u32 = 1 << 20;

/// Sends `request` to the KDC at `kdc` (`host:port`) and reads its answer, all within `limit`:
/// over `via`'s network when given (a fake's, where the KDC's faults apply and the connection
/// is counted as reaching it), else over a socket of this machine's.
pub(crate) async fn exchange(via: Option<&HttpClient>, kdc: &str, request: &[u8], limit: Duration) -> Result<Vec<u8>, Krb5Error> {
    let unreachable = |e: std::io::Error| Krb5Error::Unreachable { kdc: kdc.to_string(), why: e.to_string() };
    let talk = async {
        let mut stream: BoxIo = match via {
            Some(http) => {
                let (host, port) = kdc
                    .rsplit_once(':')
                    .and_then(|(h, p)| Some((h, p.parse::<u16>().ok()?)))
                    .ok_or_else(|| Krb5Error::Unreachable { kdc: kdc.to_string(), why: "the address is not HOST:PORT".into() })?;
                http.open_stream(host, port).await.map_err(|e| Krb5Error::Unreachable { kdc: kdc.to_string(), why: e.to_string() })?
            }
            None => Box::new(TcpStream::connect(kdc).await.map_err(unreachable)?),
        };
        let length = u32::try_from(request.len()).map_err(|_| Krb5Error::Malformed("a request of 4 GiB or more".into()))?;
        let mut framed = length.to_be_bytes().to_vec();
        framed.extend_from_slice(request);
        stream.write_all(&framed).await.map_err(unreachable)?;
        let mut length = [0u8; 4];
        stream.read_exact(&mut length).await.map_err(unreachable)?;
        let length = u32::from_be_bytes(length);
        if length > MAX_ANSWER {
            return Err(Krb5Error::Malformed(format!("the KDC announced an answer of {length} bytes; is {kdc} a KDC?")));
        }
        let mut answer = vec![0; length as usize];
        stream.read_exact(&mut answer).await.map_err(unreachable)?;
        Ok(answer)
    };
    tokio::time::timeout(limit, talk).await.map_err(|_| Krb5Error::Timeout { kdc: kdc.to_string(), after: limit })?
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    async fn one_answer(answer: Vec<u8>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut len = [0u8; 4];
            s.read_exact(&mut len).await.unwrap();
            let mut req = vec![0; u32::from_be_bytes(len) as usize];
            s.read_exact(&mut req).await.unwrap();
            s.write_all(&answer).await.unwrap();
            // Hold the connection open: a short answer must end by its length, not by EOF.
            tokio::time::sleep(Duration::from_secs(5)).await;
        });
        addr
    }

    #[tokio::test]
    async fn an_answer_is_read_by_its_length() {
        let kdc = one_answer(vec![0, 0, 0, 3, 0x7e, 1, 2, 9, 9]).await;
        assert_eq!(exchange(None, &kdc, b"req", Duration::from_secs(2)).await.unwrap(), vec![0x7e, 1, 2]);
    }

    #[tokio::test]
    async fn a_server_that_is_no_kdc_is_named_not_read_forever() {
        // "HTTP" read as a length is 1.2 GB.
        let kdc = one_answer(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec()).await;
        let e = exchange(None, &kdc, b"req", Duration::from_secs(2)).await.unwrap_err();
        assert!(matches!(&e, Krb5Error::Malformed(m) if m.contains("is 127.0.0.1")), "{e}");
    }

    #[tokio::test]
    async fn a_silent_kdc_times_out_and_a_closed_port_is_unreachable() {
        let kdc = one_answer(vec![]).await;
        let e = exchange(None, &kdc, b"req", Duration::from_millis(200)).await.unwrap_err();
        assert!(matches!(e, Krb5Error::Timeout { .. }), "{e}");
        let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().to_string();
        let e = exchange(None, &closed, b"req", Duration::from_secs(2)).await.unwrap_err();
        assert!(matches!(e, Krb5Error::Unreachable { .. }), "{e}");
    }
}
