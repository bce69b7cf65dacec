//! The connections of `serve --http`: how many, for how long, and who gives way.
//!
//! hyper reads and writes HTTP/1.1; this module only decides when a connection is
//! closed. A connection must send a request's headers within the header timeout (from
//! its first byte, or from its opening for its first request), stays idle at most the
//! idle timeout between requests, and the body is read within the body timeout (by
//! the `/mcp` handler, [`ConnectionPolicy::body_timeout`]). At most `max_connections`
//! are open, a number kept below the process's file-descriptor limit; a connection
//! that has not yet shown a tenant's token is "tokenless", and tokenless connections
//! hold at most half the cap: when a new one needs room, the oldest idle tokenless one
//! is closed, so they can never keep an authenticated client (or `/healthz`) out.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderValue, Request, header};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

/// How long a client may take to send a request's headers.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's body once its headers are in.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a kept-alive connection may stay idle between requests.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The connection cap asked for unless `--max-connections` says otherwise (lowered to
/// fit the file-descriptor limit).
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// File descriptors kept for everything but client connections: the listeners, the
/// Admin API connections of every tenant, the audit log, key files read at reload.
pub const RESERVED_FDS: u64 = 128;

/// The limits every connection is held to.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionPolicy {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    /// Connections open at once (client connections only).
    pub max_connections: usize,
}

impl Default for ConnectionPolicy {
    fn default() -> Self {
        ConnectionPolicy {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// The connection cap that fits under the process's file-descriptor limit: the soft
/// limit is first raised to the hard one (as far as the process may), and
/// [`RESERVED_FDS`] are kept aside. Returns the cap and, when it is lower than asked, a
/// warning that says why and what to change.
pub fn fit_to_fd_limit(asked: usize) -> (usize, Option<String>) {
    let Some(limit) = raise_fd_limit() else { return (asked, None) };
    let room = usize::try_from(limit.saturating_sub(RESERVED_FDS)).unwrap_or(usize::MAX).max(8);
    if room >= asked {
        return (asked, None);
    }
    let warning = format!(
        "the file-descriptor limit (RLIMIT_NOFILE {limit}) leaves room for {room} client connections, fewer than --max-connections {asked}: serving at most {room}; raise the limit (e.g. LimitNOFILE={} in the systemd unit, ulimit -n) to hold more",
        asked as u64 + RESERVED_FDS
    );
    (room, Some(warning))
}

/// Raises the soft `RLIMIT_NOFILE` to the hard one; the soft limit in force after.
#[cfg(unix)]
#[allow(
    unsafe_code,
    reason = "getrlimit and setrlimit, the only unsafe code: each reads or writes a struct that outlives the call"
)]
fn raise_fd_limit() -> Option<u64> {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes into the struct it is given, which outlives the call.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
        // SAFETY: setrlimit reads the struct it is given; a refusal leaves the limit as it was.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit = raised;
        }
    }
    (limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

#[cfg(not(unix))]
fn raise_fd_limit() -> Option<u64> {
    None
}

/// Milliseconds since the process's first use of this module: instants that fit atomics.
fn now_ms() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    u64::try_from(EPOCH.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX).max(1)
}

fn ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// One open connection, as the policy sees it.
pub struct Connection {
    id: u64,
    /// Requests being answered on it.
    in_flight: AtomicUsize,
    /// Requests answered on it so far.
    served: AtomicU64,
    /// When it last became idle (opened, or a response was sent).
    idle_since: AtomicU64,
    /// When the first byte of the next request's headers came (0: none yet).
    head_since: AtomicU64,
    /// Still counted in [`Slots`] (false once released).
    counted: AtomicBool,
    evicted: Notify,
    slots: Arc<Slots>,
}

impl Connection {
    /// A request on this connection showed a tenant's token (or the metrics token):
    /// the connection is no longer tokenless and is never closed to make room.
    pub fn authenticated(&self) {
        let mut inner = self.slots.lock();
        inner.tokenless.remove(&self.id);
    }

    /// The connection's first byte of a request (while idle) starts the header timeout.
    fn saw_bytes(&self) {
        if self.in_flight.load(Ordering::SeqCst) == 0 && self.head_since.load(Ordering::SeqCst) == 0 {
            let _ = self.head_since.compare_exchange(0, now_ms(), Ordering::SeqCst, Ordering::SeqCst);
        }
    }

    fn begin(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.head_since.store(0, Ordering::SeqCst);
        Busy(Arc::clone(self))
    }

    /// When the connection is to be closed if it does nothing more (`None`: busy).
    fn deadline(&self, policy: &ConnectionPolicy) -> Option<u64> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        let head = self.head_since.load(Ordering::SeqCst);
        if head != 0 {
            return Some(head + ms(policy.header_timeout));
        }
        let idle = self.idle_since.load(Ordering::SeqCst);
        if self.served.load(Ordering::SeqCst) == 0 {
            Some(idle + ms(policy.header_timeout))
        } else {
            Some(idle + ms(policy.idle_timeout))
        }
    }

    /// Gives the connection's place back (once).
    fn release(&self) {
        if self.counted.swap(false, Ordering::SeqCst) {
            let mut inner = self.slots.lock();
            inner.tokenless.remove(&self.id);
            inner.open -= 1;
            drop(inner);
            self.slots.freed.notify_waiters();
        }
    }
}

/// A request being answered: the connection is busy until it is dropped.
struct Busy(Arc<Connection>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.served.fetch_add(1, Ordering::SeqCst);
        self.0.idle_since.store(now_ms(), Ordering::SeqCst);
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The count of open connections and the tokenless ones, oldest first.
pub struct Slots {
    inner: Mutex<SlotsInner>,
    freed: Notify,
    max: usize,
    max_tokenless: usize,
}

struct SlotsInner {
    next_id: u64,
    open: usize,
    tokenless: BTreeMap<u64, Arc<Connection>>,
}

impl Slots {
    pub fn new(max: usize) -> Arc<Slots> {
        Arc::new(Slots {
            inner: Mutex::new(SlotsInner { next_id: 0, open: 0, tokenless: BTreeMap::new() }),
            freed: Notify::new(),
            max: max.max(2),
            max_tokenless: (max / 2).max(1),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SlotsInner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.lock().open
    }

    /// Resolves once every connection has closed.
    pub async fn emptied(&self) {
        loop {
            let freed = self.freed.notified();
            if self.open() == 0 {
                return;
            }
            freed.await;
        }
    }

    /// Takes the oldest idle tokenless connection out of the count (its task closes it).
    fn evict_oldest(inner: &mut SlotsInner) -> Option<Arc<Connection>> {
        let id = inner
            .tokenless
            .iter()
            .find(|(_, connection)| connection.in_flight.load(Ordering::SeqCst) == 0)
            .map(|(id, _)| *id)?;
        let connection = inner.tokenless.remove(&id)?;
        if connection.counted.swap(false, Ordering::SeqCst) {
            inner.open -= 1;
        }
        Some(connection)
    }

    /// Waits until a connection may be accepted: below the cap, or after closing the
    /// oldest idle tokenless connection.
    async fn room(&self) {
        loop {
            let freed = self.freed.notified();
            {
                let mut inner = self.lock();
                if inner.open < self.max {
                    return;
                }
                if let Some(evicted) = Slots::evict_oldest(&mut inner) {
                    evicted.evicted.notify_one();
                    return;
                }
            }
            freed.await;
        }
    }

    /// Counts a new (tokenless) connection, closing the oldest idle tokenless one when
    /// they would hold more than half the cap.
    fn admit(self: &Arc<Self>) -> Arc<Connection> {
        let mut inner = self.lock();
        if inner.tokenless.len() >= self.max_tokenless
            && let Some(evicted) = Slots::evict_oldest(&mut inner)
        {
            evicted.evicted.notify_one();
        }
        inner.next_id += 1;
        inner.open += 1;
        let connection = Arc::new(Connection {
            id: inner.next_id,
            in_flight: AtomicUsize::new(0),
            served: AtomicU64::new(0),
            idle_since: AtomicU64::new(now_ms()),
            head_since: AtomicU64::new(0),
            counted: AtomicBool::new(true),
            evicted: Notify::new(),
            slots: Arc::clone(self),
        });
        inner.tokenless.insert(connection.id, Arc::clone(&connection));
        connection
    }
}

/// Where the server is in its life; connections follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Serving,
    /// SIGTERM came: still accepting, every answer says `Connection: close`.
    LameDuck,
    /// No new connections; each open one finishes its request in flight and closes.
    Draining,
    /// The grace is over: every connection closes now.
    Closed,
}

/// Accepts connections until the phase reaches [`Phase::Draining`], serving each on
/// its own task with `router`. Returns when it stops accepting.
pub async fn accept(
    listener: TcpListener,
    router: Router,
    policy: ConnectionPolicy,
    slots: Arc<Slots>,
    phase: watch::Receiver<Phase>,
) {
    let mut stopping = phase.clone();
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stopping.wait_for(|phase| *phase >= Phase::Draining) => return,
            accepted = async {
                slots.room().await;
                listener.accept().await
            } => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                let connection = slots.admit();
                tokio::spawn(serve_connection(stream, connection, router.clone(), policy, phase.clone()));
            }
            Err(error) => {
                // Out of descriptors or a connection reset before it was taken: wait a
                // moment rather than spin, and go on.
                tracing::warn!("accepting a connection failed: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// The connection a request came on (in the request's extensions), so that the route
/// that authenticates it can say so.
#[derive(Clone)]
pub struct ConnectionHandle(pub Arc<Connection>);

async fn serve_connection(
    stream: TcpStream,
    connection: Arc<Connection>,
    router: Router,
    policy: ConnectionPolicy,
    mut phase: watch::Receiver<Phase>,
) {
    let io = TokioIo::new(Watched { stream, connection: Arc::clone(&connection) });
    let inner = TowerToHyperService::new(router);
    let on_request = Arc::clone(&connection);
    let answers = phase.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        let busy = on_request.begin();
        request.extensions_mut().insert(super::Arrived(Instant::now()));
        request.extensions_mut().insert(ConnectionHandle(Arc::clone(&on_request)));
        let answered = hyper::service::Service::call(&inner, request);
        let closing = *answers.borrow() >= Phase::LameDuck;
        async move {
            let mut response = answered.await.unwrap_or_else(|never: Infallible| match never {});
            if closing {
                response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            drop(busy);
            Ok::<_, Infallible>(response)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The header timeout is this module's (it starts at a request's first byte, not
    // when hyper starts waiting for one), so hyper's own is off.
    builder.keep_alive(true).header_read_timeout(None);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        let deadline = if draining { None } else { connection.deadline(&policy) };
        let sleep = tokio::time::sleep(Duration::from_millis(match deadline {
            Some(at) => at.saturating_sub(now_ms()),
            None => ms(policy.header_timeout),
        }));
        tokio::select! {
            _ = &mut conn => break,
            () = connection.evicted.notified(), if !draining => break,
            () = sleep, if !draining => {
                if connection.deadline(&policy).is_some_and(|at| at <= now_ms()) {
                    break;
                }
            }
            changed = phase.changed() => {
                let now = changed.map_or(Phase::Closed, |()| *phase.borrow());
                if now >= Phase::Closed {
                    break;
                }
                if now >= Phase::Draining && !draining {
                    draining = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
    connection.release();
}

/// The connection's socket, noting when a request's first bytes arrive.
struct Watched {
    stream: TcpStream,
    connection: Arc<Connection>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.connection.saw_bytes();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenless_connections_give_way_oldest_first_and_never_past_half_the_cap() {
        let slots = Slots::new(4);
        let first = slots.admit();
        let second = slots.admit();
        assert_eq!(slots.open(), 2);
        // A third tokenless connection: the first (oldest, idle) is closed for it.
        let third = slots.admit();
        assert!(!first.counted.load(Ordering::SeqCst) && second.counted.load(Ordering::SeqCst));
        assert_eq!(slots.open(), 2);
        // An authenticated one is never chosen; a busy one neither.
        third.authenticated();
        let _busy = second.begin();
        let fourth = slots.admit();
        assert!(second.counted.load(Ordering::SeqCst) && third.counted.load(Ordering::SeqCst));
        assert!(fourth.counted.load(Ordering::SeqCst));
        assert_eq!(slots.open(), 3);
    }

    #[tokio::test]
    async fn at_the_cap_room_is_made_by_closing_a_tokenless_connection_only() {
        let slots = Slots::new(2);
        let authenticated: Vec<Arc<Connection>> = (0..2)
            .map(|_| {
                let connection = slots.admit();
                connection.authenticated();
                connection
            })
            .collect();
        let waited = tokio::time::timeout(Duration::from_millis(50), slots.room()).await;
        assert!(waited.is_err(), "no room while only authenticated connections are open");
        authenticated[0].release();
        tokio::time::timeout(Duration::from_secs(1), slots.room()).await.expect("room once one closes");
    }

    #[test]
    fn a_connection_has_the_header_timeout_for_its_first_request_and_the_idle_one_after() {
        let policy = ConnectionPolicy {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            ..ConnectionPolicy::default()
        };
        let slots = Slots::new(8);
        let connection = slots.admit();
        let opened = connection.idle_since.load(Ordering::SeqCst);
        assert_eq!(connection.deadline(&policy), Some(opened + 10_000));
        let busy = connection.begin();
        assert_eq!(connection.deadline(&policy), None);
        drop(busy);
        let idle = connection.idle_since.load(Ordering::SeqCst);
        assert_eq!(connection.deadline(&policy), Some(idle + 60_000));
        connection.saw_bytes();
        let head = connection.head_since.load(Ordering::SeqCst);
        assert_eq!(connection.deadline(&policy), Some(head + 10_000));
    }

    #[test]
    fn the_cap_fits_under_the_descriptor_limit() {
        let (cap, warning) = fit_to_fd_limit(usize::MAX / 2);
        if cfg!(unix) {
            assert!(cap < usize::MAX / 2 && warning.is_some_and(|w| w.contains("RLIMIT_NOFILE")));
        }
    }
}
