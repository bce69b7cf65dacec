//! What is used once: authorization codes and refresh tokens, and the grants revoked
//! after a refresh token was reused. With one replica this lives in memory; with
//! several, in the Redis (or Valkey) at `oauth.store_url`, spoken to in RESP over one
//! short connection per operation (`SET key 1 NX PX ttl`, `EXISTS key`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const KEY_PREFIX: &str = "ccc:oauth:";
const REDIS_TIMEOUT: Duration = Duration::from_secs(3);

pub enum Store {
    Memory(Mutex<HashMap<String, Instant>>),
    Redis(RedisAddress),
}

/// Where a Redis is and how to log in to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisAddress {
    host_port: String,
    user: Option<String>,
    password: Option<String>,
    db: Option<u32>,
}

impl RedisAddress {
    pub fn parse(text: &str) -> Result<RedisAddress, String> {
        let url = url::Url::parse(text).map_err(|e| format!("oauth.store_url `{text}` is not a URL ({e})"))?;
        if url.scheme() != "redis" {
            return Err(format!(
                "oauth.store_url must be redis://HOST:PORT (Redis or Valkey), not {}://",
                url.scheme()
            ));
        }
        let host = url.host_str().filter(|host| !host.is_empty()).ok_or("oauth.store_url has no host")?;
        let host = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host.to_string() };
        let db = match url.path().trim_start_matches('/') {
            "" => None,
            db => Some(db.parse().map_err(|_| format!("oauth.store_url: `{db}` is not a database number"))?),
        };
        let password = url.password().map(str::to_string);
        let user = (!url.username().is_empty()).then(|| url.username().to_string());
        Ok(RedisAddress { host_port: format!("{host}:{}", url.port().unwrap_or(6379)), user, password, db })
    }
}

/// The store could not be reached or answered something unexpected.
#[derive(Debug)]
pub struct StoreError(pub String);

impl Store {
    pub fn new(url: Option<&str>) -> Result<Store, String> {
        match url {
            None => Ok(Store::Memory(Mutex::new(HashMap::new()))),
            Some(url) => RedisAddress::parse(url).map(Store::Redis),
        }
    }

    /// Marks `key` used for `ttl`; `true` the first time only.
    pub async fn use_once(&self, key: &str, ttl: Duration) -> Result<bool, StoreError> {
        let key = format!("{KEY_PREFIX}used:{key}");
        match self {
            Store::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let now = Instant::now();
                if map.len() > 1024 {
                    map.retain(|_, until| *until > now);
                }
                if map.get(&key).is_some_and(|until| *until > now) {
                    return Ok(false);
                }
                map.insert(key, now + ttl);
                Ok(true)
            }
            Store::Redis(address) => {
                let ttl = ttl.as_millis().max(1).to_string();
                let reply = command(address, &["SET", &key, "1", "NX", "PX", &ttl]).await?;
                Ok(matches!(reply, Reply::Status(ref status) if status == "OK"))
            }
        }
    }

    /// Revokes a grant for `ttl` (as long as its refresh tokens could live).
    pub async fn revoke(&self, grant: &str, ttl: Duration) -> Result<(), StoreError> {
        self.use_once(&format!("revoked:{grant}"), ttl).await.map(|_| ())
    }

    pub async fn is_revoked(&self, grant: &str) -> Result<bool, StoreError> {
        let key = format!("{KEY_PREFIX}used:revoked:{grant}");
        match self {
            Store::Memory(map) => {
                let map = map.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                Ok(map.get(&key).is_some_and(|until| *until > Instant::now()))
            }
            Store::Redis(address) => match command(address, &["EXISTS", &key]).await? {
                Reply::Integer(count) => Ok(count > 0),
                other => Err(StoreError(format!("EXISTS answered {other:?}"))),
            },
        }
    }
}

#[derive(Debug)]
enum Reply {
    Status(String),
    Integer(i64),
    /// A bulk string (its content is not needed by any command used here).
    Bulk,
}

/// One command on a new connection (after AUTH and SELECT when the URL has them).
async fn command(address: &RedisAddress, args: &[&str]) -> Result<Reply, StoreError> {
    let exchange = async {
        let stream = TcpStream::connect(&address.host_port)
            .await
            .map_err(|e| StoreError(format!("cannot reach the store at {}: {e}", address.host_port)))?;
        let mut stream = BufReader::new(stream);
        if let Some(password) = &address.password {
            match &address.user {
                Some(user) => exchange(&mut stream, &["AUTH", user, password]).await?,
                None => exchange(&mut stream, &["AUTH", password]).await?,
            };
        }
        if let Some(db) = address.db {
            exchange(&mut stream, &["SELECT", &db.to_string()]).await?;
        }
        exchange(&mut stream, args).await
    };
    tokio::time::timeout(REDIS_TIMEOUT, exchange)
        .await
        .map_err(|_| StoreError(format!("the store at {} did not answer in time", address.host_port)))?
}

async fn exchange(stream: &mut BufReader<TcpStream>, args: &[&str]) -> Result<Reply, StoreError> {
    let mut request = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        request.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        request.extend_from_slice(arg.as_bytes());
        request.extend_from_slice(b"\r\n");
    }
    let io = |e: std::io::Error| StoreError(format!("the store's connection failed: {e}"));
    stream.get_mut().write_all(&request).await.map_err(io)?;
    let mut line = String::new();
    stream.read_line(&mut line).await.map_err(io)?;
    let line = line.trim_end_matches(['\r', '\n']);
    let (kind, rest) = line.split_at_checked(1).ok_or_else(|| StoreError("the store closed the connection".into()))?;
    match kind {
        "+" => Ok(Reply::Status(rest.to_string())),
        "-" => Err(StoreError(format!("the store refused {}: {rest}", args[0]))),
        ":" => rest.parse().map(Reply::Integer).map_err(|_| StoreError(format!("bad integer reply `{rest}`"))),
        "$" => {
            let length: i64 = rest.parse().map_err(|_| StoreError(format!("bad bulk reply `{rest}`")))?;
            if length >= 0 {
                let mut body = vec![0u8; length as usize + 2];
                stream.read_exact(&mut body).await.map_err(io)?;
            }
            Ok(Reply::Bulk)
        }
        other => Err(StoreError(format!("unexpected reply kind `{other}` from the store"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls_are_read_or_refused() {
        let address = RedisAddress::parse("redis://:pw@127.0.0.1:6380/2").unwrap();
        assert_eq!(address.host_port, "127.0.0.1:6380");
        assert_eq!(address.password.as_deref(), Some("pw"));
        assert_eq!(address.db, Some(2));
        assert!(RedisAddress::parse("rediss://h").unwrap_err().contains("redis://"));
        assert!(RedisAddress::parse("redis://h/x").unwrap_err().contains("database"));
    }

    #[tokio::test]
    async fn memory_uses_once() {
        let store = Store::new(None).unwrap();
        assert!(store.use_once("a", Duration::from_secs(60)).await.unwrap());
        assert!(!store.use_once("a", Duration::from_secs(60)).await.unwrap());
        assert!(!store.is_revoked("g").await.unwrap());
        store.revoke("g", Duration::from_secs(60)).await.unwrap();
        assert!(store.is_revoked("g").await.unwrap());
    }
}
