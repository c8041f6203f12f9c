//! The SSRF guard: in production mode a push URL must not reach loopback, private, link-local
//! or otherwise internal addresses. Checked when the URL is saved and again at every connection
//! (a [`GuardedResolver`] inside the HTTP client filters what DNS returns, so a name that
//! re-resolves to an internal address after it was saved is refused too). Sandbox mode allows
//! loopback (local receivers), nothing else internal.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::dns::Name;

use kaifang_platform::{Error, Result};

/// Whether internal addresses may be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Production: public addresses only.
    PublicOnly,
    /// Sandbox: loopback allowed as well.
    AllowLoopback,
}

impl Policy {
    /// The policy of a platform mode.
    pub fn for_sandbox(sandbox: bool) -> Self {
        if sandbox {
            Policy::AllowLoopback
        } else {
            Policy::PublicOnly
        }
    }

    /// Why `ip` may not be reached, if it may not.
    pub fn refuses(self, ip: IpAddr) -> Option<&'static str> {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        if ip.is_loopback() {
            return (self == Policy::PublicOnly).then_some("a loopback address");
        }
        let internal = match ip {
            IpAddr::V4(v4) => {
                v4.is_private()
                    || v4.is_link_local()
                    || v4.is_unspecified()
                    || v4.is_broadcast()
                    || v4.is_multicast()
                    || v4.octets()[0] == 0
                    // 100.64.0.0/10, carrier-grade NAT
                    || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
            }
            IpAddr::V6(v6) => {
                let s = v6.segments();
                v6.is_unspecified()
                    || v6.is_multicast()
                    || (s[0] & 0xfe00) == 0xfc00 // unique local
                    || (s[0] & 0xffc0) == 0xfe80 // link-local
            }
        };
        internal.then_some("a private, link-local or reserved address")
    }
}

/// Resolves `host:port` and refuses it if any address is refused by `policy`.
pub async fn check_host(policy: Policy, host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| Error::invalid(format!("push URL host {host} does not resolve: {e}")))?
        .collect();
    if addrs.is_empty() {
        return Err(Error::invalid(format!(
            "push URL host {host} resolves to no address"
        )));
    }
    for a in &addrs {
        if let Some(why) = policy.refuses(a.ip()) {
            return Err(Error::invalid(format!(
                "push URL host {host} resolves to {} ({why}); the push URL must be reachable from the internet",
                a.ip()
            )));
        }
    }
    Ok(addrs)
}

/// Checks the shape of a push URL and where it resolves to.
pub async fn check_url(policy: Policy, url: &str) -> Result<()> {
    let parsed = url::Url::parse(url)
        .map_err(|e| Error::invalid(format!("push URL is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(
            "push URL must start with https:// or http://",
        ));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| Error::invalid("push URL needs a host"))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::invalid(
            "push URL must not carry a user name or password",
        ));
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    check_host(policy, host, port).await.map(drop)
}

/// The HTTP client's resolver: resolves with the system resolver and refuses the name if any
/// of its addresses is refused by the policy (checked at every new connection).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver(pub Policy);

type Resolving = Pin<
    Box<dyn Future<Output = std::result::Result<std::vec::IntoIter<SocketAddr>, BoxError>> + Send>,
>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl tower::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = BoxError;
    type Future = Resolving;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<std::result::Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Resolving {
        let policy = self.0;
        Box::pin(async move {
            let addrs = check_host(policy, name.as_str(), 0)
                .await
                .map_err(|e| -> BoxError { e.message.into() })?;
            Ok(addrs.into_iter())
        })
    }
}

/// A resolver for the push client's connector.
pub fn resolver(policy: Policy) -> GuardedResolver {
    GuardedResolver(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_internal_addresses() {
        let p = Policy::PublicOnly;
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(p.refuses(a.parse().unwrap()).is_some(), "{a}");
        }
        for a in ["93.184.216.34", "2606:2800:220:1::1", "100.128.0.1"] {
            assert!(p.refuses(a.parse().unwrap()).is_none(), "{a}");
        }
        let s = Policy::AllowLoopback;
        assert!(s.refuses("127.0.0.1".parse().unwrap()).is_none());
        assert!(s.refuses("::1".parse().unwrap()).is_none());
        assert!(s.refuses("10.0.0.1".parse().unwrap()).is_some());
    }

    #[tokio::test]
    async fn checks_literal_hosts() {
        assert!(
            check_url(Policy::PublicOnly, "http://127.0.0.1:9/x")
                .await
                .is_err()
        );
        assert!(
            check_url(Policy::AllowLoopback, "http://127.0.0.1:9/x")
                .await
                .is_ok()
        );
        assert!(check_url(Policy::AllowLoopback, "ftp://x/").await.is_err());
        assert!(
            check_url(Policy::AllowLoopback, "https://127.0.0.1/")
                .await
                .is_ok()
        );
        assert!(
            check_url(Policy::PublicOnly, "https://127.0.0.1/")
                .await
                .is_err()
        );
    }
}
