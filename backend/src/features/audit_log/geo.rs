//! IP geolocation for audit entries: private ranges by rule, everything else from a MaxMind
//! GeoLite2-City `.mmdb` file (English names). The file is read once and read again when its
//! modification time or size changes (looked at no more than once a minute), so an operator or
//! the download job can replace it while the server runs.

use chrono::{DateTime, Duration, Utc};
use ipnet::IpNet;
use maxminddb::Reader;
use pocket_shared::audit_log::INTERNAL_NETWORK_COUNTRY;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

/// How often the database file is looked at for a replacement.
pub const RECHECK_INTERVAL: Duration = Duration::minutes(1);

/// Where an address is, as far as is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub country: Option<String>,
    pub city: Option<String>,
}

impl Location {
    fn internal(city: &str) -> Self {
        Self {
            country: Some(INTERNAL_NETWORK_COUNTRY.to_owned()),
            city: Some(city.to_owned()),
        }
    }
}

/// The loaded database and what identifies the file it came from.
#[derive(Default)]
struct Loaded {
    reader: Option<Arc<Reader<Vec<u8>>>>,
    /// Modification time and size of the file behind `reader` (`None`: no file).
    stamp: Option<(Option<SystemTime>, u64)>,
}

/// The geolocation service held by `AppState`.
pub struct Geo {
    path: PathBuf,
    local_ipv6_ranges: Vec<IpNet>,
    loaded: RwLock<Loaded>,
    /// When the file was last looked at; the lock also keeps two lookups from reloading at once.
    checked_at: tokio::sync::Mutex<Option<DateTime<Utc>>>,
    /// The last load error, so a missing or broken file is reported once, not per sign-in.
    last_error: Mutex<Option<String>>,
}

impl Geo {
    /// A service reading `path` (nothing is read until the first lookup). `local_ipv6_ranges`
    /// (`LOCAL_IPV6_RANGES`) count as internal like RFC 1918 space.
    pub fn new(path: PathBuf, local_ipv6_ranges: Vec<IpNet>) -> Self {
        Self {
            path,
            local_ipv6_ranges,
            loaded: RwLock::new(Loaded::default()),
            checked_at: tokio::sync::Mutex::new(None),
            last_error: Mutex::new(None),
        }
    }

    /// The database file this service reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The location of `ip` at `now`: the internal-network markers for private addresses,
    /// else the database's English country and city names. Never fails: a missing file or an
    /// unknown address gives an empty location.
    pub async fn locate(&self, ip: Option<IpAddr>, now: DateTime<Utc>) -> Location {
        let Some(ip) = ip.map(unmap) else {
            return Location::default();
        };
        if let Some(internal) = self.internal(ip) {
            return internal;
        }
        self.refresh_if_due(now).await;
        let reader = self
            .loaded
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .reader
            .clone();
        let Some(reader) = reader else {
            return Location::default();
        };
        match lookup(&reader, ip) {
            Ok(location) => location,
            Err(e) => {
                tracing::warn!(error = %e, "GeoLite2 lookup failed");
                Location::default()
            }
        }
    }

    /// Private address markers, as Pocket ID writes them: loopback is `localhost`, the
    /// carrier-grade NAT range Tailscale uses is `Tailscale`, RFC 1918, link-local, unique-local
    /// IPv6 and `LOCAL_IPV6_RANGES` are `LAN`; all with country `Internal Network`.
    pub fn internal(&self, ip: IpAddr) -> Option<Location> {
        let ip = unmap(ip);
        if ip.is_loopback() {
            return Some(Location::internal("localhost"));
        }
        match ip {
            IpAddr::V4(v4) => {
                if in_v4(v4, [100, 64, 0, 0], 10) {
                    Some(Location::internal("Tailscale"))
                } else if v4.is_private() || v4.is_link_local() || v4.is_unspecified() {
                    Some(Location::internal("LAN"))
                } else {
                    None
                }
            }
            IpAddr::V6(v6) => {
                let unique_local = (v6.segments()[0] & 0xfe00) == 0xfc00;
                let link_local = (v6.segments()[0] & 0xffc0) == 0xfe80;
                let configured = self.local_ipv6_ranges.iter().any(|n| n.contains(&ip));
                (unique_local || link_local || v6.is_unspecified() || configured)
                    .then(|| Location::internal("LAN"))
            }
        }
    }

    /// Loads the file when it appeared, changed or vanished since the last look, at most once
    /// per [`RECHECK_INTERVAL`].
    async fn refresh_if_due(&self, now: DateTime<Utc>) {
        let mut checked = self.checked_at.lock().await;
        // A clock that went backwards counts as due.
        if let Some(at) = *checked
            && now >= at
            && now - at < RECHECK_INTERVAL
        {
            return;
        }
        *checked = Some(now);
        let stamp = file_stamp(&self.path);
        let current = self.loaded.read().unwrap_or_else(|p| p.into_inner()).stamp;
        if current.is_some() && stamp == current {
            return;
        }
        let Some(new_stamp) = stamp else {
            if current.is_some() {
                tracing::warn!(path = %self.path.display(), "GeoLite2 database file is gone; locations are no longer looked up");
            } else {
                self.report_once(format!(
                    "no GeoLite2 database at {}; audit log entries get no location",
                    self.path.display()
                ));
            }
            *self.loaded.write().unwrap_or_else(|p| p.into_inner()) = Loaded::default();
            return;
        };
        // Reading tens of megabytes is blocking work.
        let path = self.path.clone();
        let opened = tokio::task::spawn_blocking(move || Reader::open_readfile(path)).await;
        match opened {
            Ok(Ok(reader)) => {
                tracing::info!(path = %self.path.display(), build_epoch = reader.metadata().build_epoch, "GeoLite2 database loaded");
                *self.loaded.write().unwrap_or_else(|p| p.into_inner()) = Loaded {
                    reader: Some(Arc::new(reader)),
                    stamp: Some(new_stamp),
                };
                *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            Ok(Err(e)) => {
                // Keep serving the previous database, if any, but do not retry this file.
                self.report_once(format!(
                    "cannot read the GeoLite2 database {}: {e}",
                    self.path.display()
                ));
                self.loaded.write().unwrap_or_else(|p| p.into_inner()).stamp = Some(new_stamp);
            }
            Err(e) => tracing::warn!(error = %e, "GeoLite2 database load task failed"),
        }
    }

    fn report_once(&self, message: String) {
        let mut last = self.last_error.lock().unwrap_or_else(|p| p.into_inner());
        if last.as_deref() != Some(message.as_str()) {
            tracing::warn!("{message}");
            *last = Some(message);
        }
    }
}

/// English country and city of `ip` in `reader`.
fn lookup(reader: &Reader<Vec<u8>>, ip: IpAddr) -> Result<Location, maxminddb::MaxMindDbError> {
    // An IPv4-only database cannot answer for IPv6 addresses; that is "unknown", not an error.
    if ip.is_ipv6() && reader.metadata().ip_version == 4 {
        return Ok(Location::default());
    }
    let Some(city) = reader.lookup(ip)?.decode::<maxminddb::geoip2::City>()? else {
        return Ok(Location::default());
    };
    let name = |n: Option<&str>| n.filter(|s| !s.is_empty()).map(str::to_owned);
    Ok(Location {
        country: name(city.country.names.english),
        city: name(city.city.names.english),
    })
}

/// Modification time and size of the file, `None` when it cannot be read.
fn file_stamp(path: &Path) -> Option<(Option<SystemTime>, u64)> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some((meta.modified().ok(), meta.len()))
}

/// `::ffff:a.b.c.d` is the IPv4 address it carries.
fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX << (32 - prefix);
    (u32::from(ip) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo() -> Geo {
        Geo::new(
            PathBuf::from("/nonexistent/GeoLite2-City.mmdb"),
            vec!["2001:db8:1::/48".parse().unwrap()],
        )
    }

    #[test]
    fn private_addresses_get_internal_markers() {
        let g = geo();
        let city = |ip: &str| {
            g.internal(ip.parse().unwrap())
                .map(|l| (l.country.unwrap(), l.city.unwrap()))
        };
        let internal = |c: &str| Some(("Internal Network".to_owned(), c.to_owned()));
        assert_eq!(city("127.0.0.1"), internal("localhost"));
        assert_eq!(city("::1"), internal("localhost"));
        assert_eq!(city("::ffff:127.0.0.1"), internal("localhost"));
        assert_eq!(city("100.101.102.103"), internal("Tailscale"));
        assert_eq!(city("10.1.2.3"), internal("LAN"));
        assert_eq!(city("172.16.0.9"), internal("LAN"));
        assert_eq!(city("192.168.1.20"), internal("LAN"));
        assert_eq!(city("169.254.1.1"), internal("LAN"));
        assert_eq!(city("fd12:3456::1"), internal("LAN"));
        assert_eq!(city("fe80::1"), internal("LAN"));
        assert_eq!(city("2001:db8:1::5"), internal("LAN"));
        assert_eq!(city("2001:db8:2::5"), None);
        assert_eq!(city("100.128.0.1"), None);
        assert_eq!(city("172.32.0.1"), None);
        assert_eq!(city("8.8.8.8"), None);
    }

    #[tokio::test]
    async fn without_a_database_public_addresses_have_no_location() {
        let g = geo();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(
            g.locate(Some("8.8.8.8".parse().unwrap()), now).await,
            Location::default()
        );
        assert_eq!(g.locate(None, now).await, Location::default());
    }
}
