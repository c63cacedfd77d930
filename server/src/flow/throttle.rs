//! Throttles on the steps that probe the bank's records — SOA201 (does
//! this account exist?) and お客様情報入力 (is this the holder?) — per client
//! IP and per flow, so one browser or one address cannot walk through
//! account numbers. Over the limit the customer sees the seed's 混雑
//! message. Kept in memory, per instance (a load balancer spreading one
//! client over N instances gives it N times the quota; the daily lockout
//! in the database stays exact whatever the throttle lets through).
//! The staff console's sign-in start is throttled here too, per address
//! and per name. An IPv6 client is counted by its /64: one subscriber
//! holds a whole /64 and could otherwise take a fresh address per try.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use renkei_shared::ErrorCode;
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct Throttles {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_flow: DefaultKeyedRateLimiter<String>,
    sign_in_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    sign_in_by_name: DefaultKeyedRateLimiter<String>,
}

/// The key an address is counted under: an IPv4 address as it is (an
/// IPv4-mapped IPv6 one as that IPv4 address), an IPv6 one by its /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl Throttles {
    /// `per_ip` and `per_flow` attempts a minute, each with that burst;
    /// `sign_in` staff sign-in starts a minute per address and per name.
    pub fn new(per_ip: NonZeroU32, per_flow: NonZeroU32, sign_in: NonZeroU32) -> Self {
        Throttles {
            by_ip: RateLimiter::keyed(Quota::per_minute(per_ip)),
            by_flow: RateLimiter::keyed(Quota::per_minute(per_flow)),
            sign_in_by_ip: RateLimiter::keyed(Quota::per_minute(sign_in)),
            sign_in_by_name: RateLimiter::keyed(Quota::per_minute(sign_in)),
        }
    }

    /// One more attempt from `ip` in flow `flow_id`; `busy` over either
    /// limit. Both are counted, so neither can be dodged by the other.
    pub fn attempt(&self, ip: Option<IpAddr>, flow_id: &str) -> Result<(), ErrorCode> {
        let ip_ok = ip.is_none_or(|ip| self.by_ip.check_key(&client_key(ip)).is_ok());
        let flow_ok = self.by_flow.check_key(&flow_id.to_owned()).is_ok();
        if ip_ok && flow_ok {
            Ok(())
        } else {
            Err(ErrorCode::Busy)
        }
    }

    /// One more staff sign-in start from `ip` for `name`; `busy` over
    /// either limit (both counted, known name or not).
    pub fn sign_in(&self, ip: Option<IpAddr>, name: &str) -> Result<(), ErrorCode> {
        let ip_ok = ip.is_none_or(|ip| self.sign_in_by_ip.check_key(&client_key(ip)).is_ok());
        let name_ok = self.sign_in_by_name.check_key(&name.to_owned()).is_ok();
        if ip_ok && name_ok {
            Ok(())
        } else {
            Err(ErrorCode::Busy)
        }
    }

    /// Forgets keys that are back to a full quota, so memory follows
    /// current traffic, not all traffic ever seen.
    pub fn forget_idle(&self) {
        self.by_ip.retain_recent();
        self.by_flow.retain_recent();
        self.sign_in_by_ip.retain_recent();
        self.sign_in_by_name.retain_recent();
        self.by_ip.shrink_to_fit();
        self.by_flow.shrink_to_fit();
        self.sign_in_by_ip.shrink_to_fit();
        self.sign_in_by_name.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::client_key;

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let key = |a: &str| client_key(a.parse().unwrap()).to_string();
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
    }
}
