//! An app's public keys: a JWK Set uploaded at registration, or a URL the
//! app publishes it at (`jwks_uri`). For a URL the database keeps the copy
//! fetched last (`clients.jwks`, what assertions are verified with) and
//! when the URL was last asked; the copy is fetched again when it is older
//! than [`MAX_AGE_SECS`] — so a key the app removes stops working within
//! that time — or when an assertion fails against it (a key the app just
//! added), never more than once per [`MIN_INTERVAL_SECS`] per app, so
//! unauthenticated requests cannot make Renkei hammer an app's server.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;
use url::Url;

/// A fetched copy older than this is fetched again before it is used.
pub const MAX_AGE_SECS: i64 = 300;
/// The URL is asked at most this often per app, answered or not.
pub const MIN_INTERVAL_SECS: i64 = 60;
/// A JWK Set larger than this is refused (a handful of keys is ~1 KiB).
const MAX_BYTES: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(3);

/// A JWK Set fit to register: parses, has keys, holds no private part.
pub fn check(jwks: &str) -> Result<(), String> {
    let set: jsonwebtoken::jwk::JwkSet =
        serde_json::from_str(jwks).map_err(|e| format!("not a JWK Set: {e}"))?;
    if set.keys.is_empty() {
        return Err("no keys".into());
    }
    let value: serde_json::Value = serde_json::from_str(jwks).map_err(|e| e.to_string())?;
    let private = value["keys"]
        .as_array()
        .is_some_and(|keys| keys.iter().any(|k| k.get("d").is_some()));
    if private {
        return Err("private key material; register public keys only".into());
    }
    Ok(())
}

/// A `jwks_uri` fit to register: absolute https (http only on loopback,
/// for development, when `allow_loopback`), no credentials, no fragment.
pub fn check_uri(uri: &str, allow_loopback: bool) -> Result<Url, String> {
    let u = Url::parse(uri).map_err(|e| e.to_string())?;
    let loopback = matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if !(u.scheme() == "https" || (u.scheme() == "http" && loopback && allow_loopback)) {
        return Err("must be https".into());
    }
    if u.fragment().is_some() || !u.username().is_empty() || u.password().is_some() {
        return Err("no fragment or credentials allowed".into());
    }
    Ok(u)
}

/// Why Renkei will not connect to `ip` for an app's keys, if it will not:
/// a registered URL must not turn Renkei into a request oracle into the
/// bank's own network or the cloud's metadata service.
pub fn refused_address(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4, allow_loopback),
        IpAddr::V6(v6) => {
            // An IPv4 address inside IPv6 is judged as that IPv4 address:
            // mapped (::ffff:0:0/96), compatible (::/96, but :: and ::1),
            // NAT64's well-known prefix (64:ff9b::/96) and 6to4
            // (2002::/16). Prefixes that hide it, or are local by
            // definition, are refused whole: NAT64 local-use
            // (64:ff9b:1::/48, RFC 8215) and Teredo (2001::/32).
            if let Some(v4) = v6.to_ipv4_mapped() {
                return refused_v4(v4, allow_loopback);
            }
            let s = v6.segments();
            let v4_at = |hi: u16, lo: u16| {
                let [a, b] = hi.to_be_bytes();
                let [c, d] = lo.to_be_bytes();
                Ipv4Addr::new(a, b, c, d)
            };
            let compatible = s[0..6] == [0, 0, 0, 0, 0, 0] && s[6] != 0;
            let nat64 = s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0];
            let embedded = if compatible || nat64 {
                Some(v4_at(s[6], s[7]))
            } else if s[0] == 0x2002 {
                Some(v4_at(s[1], s[2]))
            } else {
                None
            };
            if let Some(v4) = embedded {
                return refused_v4(v4, allow_loopback);
            }
            if s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1 {
                return Some("NAT64 local-use");
            }
            if s[0] == 0x2001 && s[1] == 0 {
                return Some("Teredo");
            }
            if v6.is_loopback() {
                (!allow_loopback).then_some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if s[0] & 0xfe00 == 0xfc00 {
                // fc00::/7, which holds fd00:ec2::254 (a cloud's metadata).
                Some("unique-local")
            } else if s[0] & 0xffc0 == 0xfe80 || s[0] & 0xffc0 == 0xfec0 {
                Some("link-local")
            } else if v6.is_multicast() {
                Some("multicast")
            } else if s[0] == 0x2001 && s[1] == 0x0db8 || s[0] == 0x0100 && s[1..4] == [0, 0, 0] {
                Some("documentation or discard")
            } else {
                None
            }
        }
    }
}

fn refused_v4(ip: Ipv4Addr, allow_loopback: bool) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        (!allow_loopback).then_some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        // 169.254.0.0/16, which holds 169.254.169.254 (instance metadata).
        Some("link-local")
    } else if a == 100 && (64..128).contains(&b) {
        Some("carrier-grade NAT")
    } else if a == 0 || ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("not a unicast address")
    } else if (a, b, c) == (192, 0, 0)
        || ip.is_documentation()
        || (a == 198 && (b == 18 || b == 19))
    {
        Some("reserved")
    } else {
        None
    }
}

/// The one address a fetch of `url` connects to: every address its host
/// resolves to must be allowed, and the connection is then made to the
/// first of them, the one checked — no second lookup can rebind it.
async fn checked_address(url: &Url, allow_loopback: bool) -> Result<SocketAddr, String> {
    let host = url.host_str().ok_or("no host")?;
    let port = url.port_or_known_default().ok_or("no port")?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|e| format!("{host} does not resolve: {e}"))?
            .collect(),
    };
    let first = *addrs.first().ok_or("resolves to nothing")?;
    for a in &addrs {
        if let Some(why) = refused_address(a.ip(), allow_loopback) {
            return Err(format!("{host} is a {why} address ({})", a.ip()));
        }
    }
    Ok(first)
}

/// Fetches the JWK Set at `uri` and checks it as a registration would:
/// short timeouts, no redirects (the registered URL is the one asked), no
/// proxy, and only to an address [`refused_address`] allows.
pub async fn fetch(uri: &str, allow_loopback: bool) -> Result<String, String> {
    let url = check_uri(uri, allow_loopback)?;
    let addr = checked_address(&url, allow_loopback).await?;
    let mut builder = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("renkei/", env!("CARGO_PKG_VERSION")));
    if let Some(host) = url.host_str().filter(|h| h.parse::<IpAddr>().is_err()) {
        builder = builder.resolve(host, addr);
    }
    let http = builder.build().map_err(|e| e.to_string())?;
    let mut resp = http.get(url).send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("answered {}", resp.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(format!("larger than {MAX_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(body).map_err(|_| "not UTF-8".to_owned())?;
    check(&text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_key_sets_and_https_urls_register() {
        let public = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
        assert_eq!(check(public), Ok(()));
        assert!(check(r#"{"keys":[]}"#).is_err());
        assert!(check("[]").is_err());
        let private = public.replace(
            "\"x\"",
            "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\",\"x\"",
        );
        assert!(check(&private).unwrap_err().contains("private"));

        assert!(check_uri("https://app.example/jwks.json", false).is_ok());
        assert!(check_uri("http://127.0.0.1:8080/jwks.json", true).is_ok());
        assert!(check_uri("http://127.0.0.1:8080/jwks.json", false).is_err());
        assert!(check_uri("http://app.example/jwks.json", true).is_err());
        assert!(check_uri("https://u:p@app.example/jwks.json", false).is_err());
        assert!(check_uri("https://app.example/jwks.json#k", false).is_err());
        assert!(check_uri("/jwks.json", false).is_err());
    }

    #[test]
    fn internal_addresses_are_refused() {
        let refused = |a: &str| refused_address(a.parse().unwrap(), false);
        for (addr, why) in [
            ("127.0.0.1", "loopback"),
            ("127.9.9.9", "loopback"),
            ("::1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("fe80::1", "link-local"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.255", "carrier-grade NAT"),
            ("fd00:ec2::254", "unique-local"),
            ("fc00::1", "unique-local"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "link-local"),
            ("64:ff9b::a00:1", "private"),
            ("::127.0.0.1", "loopback"),
            ("::10.0.0.1", "private"),
            ("::169.254.169.254", "link-local"),
            ("2002:7f00:1::", "loopback"),
            ("2002:a9fe:a9fe::1", "link-local"),
            ("2002:c0a8:101::", "private"),
            ("64:ff9b:1::a00:1", "NAT64 local-use"),
            ("64:ff9b:1:ffff::", "NAT64 local-use"),
            ("2001:0:4136:e378::1", "Teredo"),
            ("0.0.0.0", "not a unicast address"),
            ("::", "unspecified"),
            ("224.0.0.1", "not a unicast address"),
            ("255.255.255.255", "not a unicast address"),
        ] {
            assert_eq!(refused(addr), Some(why), "{addr}");
        }
        for public in [
            "8.8.8.8",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
            "203.0.114.1",
            "2002:808:808::1",
            "::8.8.8.8",
        ] {
            assert_eq!(refused(public), None, "{public}");
        }
        assert_eq!(refused_address("127.0.0.1".parse().unwrap(), true), None);
        assert_eq!(refused_address("::1".parse().unwrap(), true), None);
        assert_eq!(
            refused_address("10.0.0.1".parse().unwrap(), true),
            Some("private"),
            "the development setting opens loopback only"
        );
    }
}
