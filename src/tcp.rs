//! One TCP connection to a named host, for the HTTP clients (the connector's metrics endpoint,
//! the HTTPS client): each resolved address in turn, the first that accepts kept, so a name
//! with an unreachable IPv6 address still connects over IPv4.

use tokio::net::TcpStream;

use crate::probe::{Failure, Reason};

/// Why no connection was made.
#[derive(Debug)]
pub enum ConnectError {
    /// The name did not resolve, or resolved to no address: reason `resolve`.
    Resolve(Failure),
    /// Every address failed; the last one's error, which callers tell apart (a refusal means
    /// nothing listens there).
    Connect(std::io::Error),
}

pub async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, ConnectError> {
    let addresses = tokio::net::lookup_host((host, port)).await.map_err(|e| {
        ConnectError::Resolve(Failure::new(
            Reason::Resolve,
            format!("resolving {host}: {e}"),
        ))
    })?;
    let mut last_error = None;
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = Some(e),
        }
    }
    Err(match last_error {
        Some(e) => ConnectError::Connect(e),
        None => ConnectError::Resolve(Failure::new(
            Reason::Resolve,
            format!("{host} resolved to no address"),
        )),
    })
}
