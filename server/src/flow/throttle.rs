//! Throttles on the steps that probe the bank's records — SOA201 (does
//! this account exist?) and お客様情報入力 (is this the holder?) — per client
//! IP and per flow, so one browser or one address cannot walk through
//! account numbers. Over the limit the customer sees the seed's 混雑
//! message. Kept in memory, per instance (a load balancer spreading one
//! client over N instances gives it N times the quota; the daily lockout
//! in the database stays exact whatever the throttle lets through).

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use renkei_shared::ErrorCode;
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct Throttles {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_flow: DefaultKeyedRateLimiter<String>,
}

impl Throttles {
    /// `per_ip` and `per_flow` attempts a minute, each with that burst.
    pub fn new(per_ip: NonZeroU32, per_flow: NonZeroU32) -> Self {
        Throttles {
            by_ip: RateLimiter::keyed(Quota::per_minute(per_ip)),
            by_flow: RateLimiter::keyed(Quota::per_minute(per_flow)),
        }
    }

    /// One more attempt from `ip` in flow `flow_id`; `busy` over either
    /// limit. Both are counted, so neither can be dodged by the other.
    pub fn attempt(&self, ip: Option<IpAddr>, flow_id: &str) -> Result<(), ErrorCode> {
        let ip_ok = ip.is_none_or(|ip| self.by_ip.check_key(&ip).is_ok());
        let flow_ok = self.by_flow.check_key(&flow_id.to_owned()).is_ok();
        if ip_ok && flow_ok {
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
        self.by_ip.shrink_to_fit();
        self.by_flow.shrink_to_fit();
    }
}
