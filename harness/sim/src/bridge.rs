//! In-process hosts reachable from another process over real TCP.
//!
//! When a role is served by another process (`mailconform serve`), that process must reach the
//! roles still in this one: a served Exchange posts its notifications to the listener of the
//! scenario, a served listener pushes to the scenario's APNs. A [`Bridge`] opens one loopback
//! port per in-process `host:port` and carries each connection accepted there into the
//! simulation's network, through the host's fault gate, as if it had been dialled inside: the
//! in-process fake terminates TLS with its own certificate, and a host cut off by a fault
//! refuses the bridged connection as it refuses any other. The serving process pins the
//! hosts' names to these ports (its `/_mailconform/peers`).

use crate::net::{Dialer, SimNet};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::task::AbortHandle;

/// One bridged host: its name and port inside the simulation, its address outside.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Peer {
    /// The host's name, as the fakes call it (`push.us.example.test`).
    pub host: String,
    /// Its port inside the simulation (443, or 80 for plain HTTP).
    pub port: u16,
    /// Where it is reached from outside.
    pub addr: SocketAddr,
}

/// The IP an advertised address names (`10.0.0.5`, `[::1]` as a URL writes it), or `None` for a
/// host name: where a bridge for that address can listen.
pub fn advertised_ip(address: &str) -> Option<IpAddr> {
    unbracketed(address).parse().ok()
}

/// An address without the brackets a URL puts around an IPv6 one.
pub fn unbracketed(address: &str) -> &str {
    address.trim_start_matches('[').trim_end_matches(']')
}

/// One connection from outside to a bridged host, as the bridge saw it: what a component
/// outside the run (a real Exchange) did, observed from the scenario's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// The host it was for.
    pub host: String,
    /// Its port inside the simulation.
    pub port: u16,
    /// When it came, since the bridge was made.
    pub after: std::time::Duration,
    /// Why the host refused it (a fault, the role stopped); `None`: carried to the host.
    pub refused: Option<String>,
}

/// How long [`Bridge::open_at`] waits for its fixed port to be free.
pub(crate) const FIXED_PORT_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The bridged hosts of one simulation; dropping it closes their ports.
pub struct Bridge {
    net: Arc<SimNet>,
    bind: IpAddr,
    open: Mutex<BTreeMap<(String, u16), (SocketAddr, AbortHandle)>>,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    made: std::time::Instant,
}

impl Bridge {
    /// A bridge into `net`, listening on `bind`.
    pub fn new(net: Arc<SimNet>, bind: IpAddr) -> Self {
        Bridge { net, bind, open: Mutex::default(), arrivals: Arc::default(), made: std::time::Instant::now() }
    }

    /// Opens a port for every host of the network not bridged yet and gives those new peers.
    /// Must run inside the simulation's runtime, whose tasks carry the connections.
    pub fn open_new(&self) -> std::io::Result<Vec<Peer>> {
        let mut added = Vec::new();
        for (host, port) in self.net.hosts() {
            if let Some(addr) = self.open_one(&host, port)? {
                added.push(Peer { host, port, addr });
            }
        }
        Ok(added)
    }

    /// The outside address of `host:port`, bridged now if it was not: the host need not be
    /// placed yet (a connection is carried to whatever serves it when it comes), so that its
    /// fake can be told its outside address before it starts ([`crate::Simulation::advertise`]).
    /// Must run inside the simulation's runtime.
    pub fn open(&self, host: &str, port: u16) -> std::io::Result<SocketAddr> {
        self.open_one(&host.to_ascii_lowercase(), port)?;
        let open = self.open.lock().expect("bridge poisoned");
        Ok(open[&(host.to_ascii_lowercase(), port)].0)
    }

    /// Bridges `host:port` on the fixed port `outside` of the bridge's address, which a
    /// component outside the run was configured with once for every scenario (a real
    /// listener's APNs gateway). The previous scenario's bridge may still be closing it, so a
    /// port in use is tried again for up to [`FIXED_PORT_WAIT`]. Must run inside the
    /// simulation's runtime.
    pub fn open_at(&self, host: &str, port: u16, outside: u16) -> std::io::Result<SocketAddr> {
        let deadline = std::time::Instant::now() + FIXED_PORT_WAIT;
        loop {
            match self.open_on(&host.to_ascii_lowercase(), port, outside) {
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(e),
            }
        }
        let open = self.open.lock().expect("bridge poisoned");
        Ok(open[&(host.to_ascii_lowercase(), port)].0)
    }

    /// Bridges `host:port` unless it is already; gives its new address.
    fn open_one(&self, host: &str, port: u16) -> std::io::Result<Option<SocketAddr>> {
        self.open_on(host, port, 0)
    }

    /// Bridges `host:port` on port `outside` (0: any) unless it is already; gives its new address.
    fn open_on(&self, host: &str, port: u16, outside: u16) -> std::io::Result<Option<SocketAddr>> {
        let mut open = self.open.lock().expect("bridge poisoned");
        if open.contains_key(&(host.to_string(), port)) {
            return Ok(None);
        }
        let listener = std::net::TcpListener::bind((self.bind, outside))?;
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let addr = listener.local_addr()?;
        let journal = Journal { arrivals: self.arrivals.clone(), made: self.made };
        let task = tokio::spawn(carry(listener, self.net.clone(), host.to_string(), port, journal));
        open.insert((host.to_string(), port), (addr, task.abort_handle()));
        Ok(Some(addr))
    }

    /// Every connection that came from outside so far, in order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().expect("bridge poisoned").clone()
    }

    /// Every bridged host.
    pub fn peers(&self) -> Vec<Peer> {
        let open = self.open.lock().expect("bridge poisoned");
        open.iter().map(|((host, port), (addr, _))| Peer { host: host.clone(), port: *port, addr: *addr }).collect()
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        for (_, task) in self.open.lock().expect("bridge poisoned").values() {
            task.abort();
        }
    }
}

/// Where a bridge notes its arrivals.
#[derive(Clone)]
struct Journal {
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    made: std::time::Instant,
}

impl Journal {
    fn note(&self, host: &str, port: u16, refused: Option<String>) {
        let arrival = Arrival { host: host.to_string(), port, after: self.made.elapsed(), refused };
        self.arrivals.lock().expect("bridge poisoned").push(arrival);
    }
}

/// Accepts on `listener` and carries each connection to `host:port` of `net`.
async fn carry(listener: tokio::net::TcpListener, net: Arc<SimNet>, host: String, port: u16, journal: Journal) {
    loop {
        let Ok((mut outside, _)) = listener.accept().await else { continue };
        let (net, host, journal) = (net.clone(), host.clone(), journal.clone());
        tokio::spawn(async move {
            // A host that refuses (a fault, a role stopped) closes the outside connection,
            // which the caller sees as a refused or reset connection.
            match net.dial(&host, port).await {
                Ok(mut inside) => {
                    journal.note(&host, port, None);
                    let _ = tokio::io::copy_bidirectional(&mut outside, &mut inside).await;
                }
                Err(e) => {
                    tracing::debug!("bridged connection to {host}:{port} refused: {e}");
                    journal.note(&host, port, Some(e.to_string()));
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_advertised_address_names_an_ip_or_a_host() {
        assert_eq!(advertised_ip("[::1]"), Some(IpAddr::from(std::net::Ipv6Addr::LOCALHOST)));
        assert_eq!(advertised_ip("172.30.0.1"), Some(IpAddr::from([172, 30, 0, 1])));
        assert_eq!(advertised_ip("harness.example.com"), None);
        assert_eq!(unbracketed("[fe80::1]"), "fe80::1");
    }
    use crate::http::{response, Request};
    use crate::tls::ClientAuth;
    use crate::{Fault, FnHandler, Simulation};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn echo_sim() -> (Simulation, crate::FaultGate) {
        let mut sim = Simulation::live(7).unwrap();
        let handler = FnHandler(|req: Request, _c| async move { response(200, "text/plain", req.uri().path().to_string()) });
        let gate = sim.add_host("echo", "echo.example.test", Arc::new(handler), ClientAuth::None, true).unwrap();
        (sim, gate)
    }

    async fn get(addr: SocketAddr) -> std::io::Result<String> {
        let mut s = tokio::net::TcpStream::connect(addr).await?;
        s.write_all(b"GET /hello HTTP/1.1\r\nhost: echo.example.test\r\nconnection: close\r\n\r\n").await?;
        let mut out = String::new();
        s.read_to_string(&mut out).await?;
        Ok(out)
    }

    #[test]
    fn an_outside_connection_reaches_the_in_process_host_through_its_fault_gate() {
        let (sim, gate) = echo_sim();
        let bridge = Bridge::new(sim.net.clone(), IpAddr::from([127, 0, 0, 1]));
        let peers = sim.block_on(async { bridge.open_new() }).unwrap();
        let plain = peers.iter().find(|p| p.port == 80).expect("port 80 bridged").addr;
        assert!(peers.iter().any(|p| p.host == "echo.example.test" && p.port == 443), "{peers:?}");
        let answer = sim.block_on(get(plain)).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("/hello"), "{answer}");
        assert!(sim.block_on(async { bridge.open_new() }).unwrap().is_empty(), "a host is bridged once");

        gate.set(Fault::Unreachable);
        let refused = sim.block_on(get(plain));
        assert!(refused.map(|a| a.is_empty()).unwrap_or(true), "a cut-off host answers nothing through the bridge");
        let seen: Vec<(u16, bool)> = bridge.arrivals().iter().map(|a| (a.port, a.refused.is_some())).collect();
        assert_eq!(seen, [(80, false), (80, true)], "each outside connection is noted, carried or refused");
        assert!(bridge.arrivals()[0].after <= bridge.arrivals()[1].after);
    }

    #[test]
    fn a_host_bridged_before_it_is_placed_is_reached_once_it_is() {
        let mut sim = Simulation::live(8).unwrap();
        let bridge = Bridge::new(sim.net.clone(), IpAddr::from([127, 0, 0, 1]));
        let addr = sim.block_on(async { bridge.open("Later.example.test", 80) }).unwrap();
        assert_eq!(sim.block_on(async { bridge.open("later.example.test", 80) }).unwrap(), addr, "opened once, whatever the case");
        let handler = FnHandler(|req: Request, _c| async move { response(200, "text/plain", req.uri().path().to_string()) });
        sim.add_host("later", "later.example.test", Arc::new(handler), ClientAuth::None, true).unwrap();
        let answer = sim.block_on(get(addr)).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("/hello"), "{answer}");
    }

    #[test]
    fn a_fixed_port_is_taken_again_by_the_next_scenario_once_the_last_one_let_it_go() {
        let free = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port();
        let (sim, _gate) = echo_sim();
        let first = Bridge::new(sim.net.clone(), IpAddr::from([127, 0, 0, 1]));
        let addr = sim.block_on(async { first.open_at("echo.example.test", 80, free) }).unwrap();
        assert_eq!(addr.port(), free);
        assert!(sim.block_on(get(addr)).unwrap().ends_with("/hello"));
        let (next_sim, _) = echo_sim();
        let next = Bridge::new(next_sim.net.clone(), IpAddr::from([127, 0, 0, 1]));
        let taken = next_sim.block_on(async { next.open_at("echo.example.test", 80, free) });
        assert_eq!(taken.unwrap_err().kind(), std::io::ErrorKind::AddrInUse, "the first scenario still holds it");
        drop(first);
        drop(sim);
        let again = next_sim.block_on(async { next.open_at("echo.example.test", 80, free) }).unwrap();
        assert!(next_sim.block_on(get(again)).unwrap().ends_with("/hello"), "the next scenario's host answers there");
    }

    #[test]
    fn a_way_out_through_a_gate_is_cut_and_let_back_and_what_it_reached_is_noted() {
        let (outside, _gate) = echo_sim();
        let bridge = Bridge::new(outside.net.clone(), IpAddr::from([127, 0, 0, 1]));
        let real = outside.block_on(async { bridge.open("echo.example.test", 80) }).unwrap();
        let sim = Simulation::live(9).unwrap();
        let gate = crate::FaultGate::default();
        sim.net.pass_through_gated("real.example.test", 80, Some(real), gate.clone());
        let client = sim.client();
        let get = |client: &crate::HttpClient| {
            let req = http::Request::get("http://real.example.test/hello").body(bytes::Bytes::new()).unwrap();
            let opts = crate::RequestOptions { timeout: std::time::Duration::from_millis(500), ..Default::default() };
            sim.block_on(client.send(req, &opts))
        };
        assert!(sim.net.reached_outside().is_empty());
        gate.set(Fault::Unreachable);
        assert!(get(&client).is_err(), "a cut way out refuses");
        assert!(sim.net.reached_outside().is_empty(), "a refused connection reached nothing");
        gate.clear();
        gate.set(Fault::BlackHole);
        assert!(get(&client).is_err(), "a swallowed connection never answers");
        gate.clear();
        assert_eq!(get(&client).unwrap().status(), 200);
        assert_eq!(sim.net.reached_outside(), [(("real.example.test".to_string(), 80), 1)]);
        assert_eq!(sim.net.connections_out(), 1);
    }
}
