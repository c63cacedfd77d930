//! The mail outbox: mails queued in the transaction that caused them,
//! claimed with a lease by the delivery worker.

/// A mail to queue.
#[derive(Debug, Clone, Copy)]
pub struct MailToSend<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

#[derive(Debug, Clone)]
pub struct MailRow {
    pub id: i64,
    /// The union whose mail it is (its sender).
    pub institution_id: i64,
    pub created_at: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}
