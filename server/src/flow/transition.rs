//! The one way a flow moves. Every move — each step, consent, deny, cancel,
//! the restart after the phone window — goes through [`Flow::take`]: it
//! checks the state machine's table (`Step::may_follow`), then the storage
//! layer applies the move, what it causes and its operation-log row in one
//! transaction. Handlers return the step it returns instead of restating
//! where the flow goes.

use super::extract::{Flow, RequestMeta};
use super::lockout::Guard;
use crate::db::{AccountChange, EmailChange, MailToSend, Move, NewGrant, Outcome};
use crate::error::{AppError, AppResult};
use crate::tenancy::Union;
use renkei_shared::ErrorCode;
use renkei_shared::api::Step;

/// One move and what it causes.
pub struct Transition<'a> {
    pub to: Step,
    /// The operation log's outcome for the move.
    pub outcome: Outcome,
    pub account: AccountChange,
    pub email: EmailChange<'a>,
    /// FAQ Q4: the kana name as entered, on the identity step's log row.
    pub kana_name: Option<&'a str>,
    /// Take the move only while the account is not locked (re-checked in
    /// the same statement that moves the flow).
    pub guard: Option<&'a Guard<'a>>,
    pub grant: Option<NewGrant<'a>>,
    pub mail: Option<MailToSend<'a>>,
}

impl Transition<'_> {
    /// A plain move to `to`, logged as `ok`.
    pub fn to(to: Step) -> Self {
        Transition {
            to,
            outcome: Outcome::Ok,
            account: AccountChange::Keep,
            // A flow that ends forgets the e-mail address (FAQ Q5); the mail
            // it queues carries its own copy until sent.
            email: if to.is_open() {
                EmailChange::Keep
            } else {
                EmailChange::Erase
            },
            kana_name: None,
            guard: None,
            grant: None,
            mail: None,
        }
    }
}

impl Flow {
    /// Moves this flow as `t` says and returns the step it now stands at.
    /// Refused with `flow_out_of_order` when the table does not allow the
    /// move or another request moved the flow first (a double submit, a
    /// second tab), and with the lockout's code — logged — when the
    /// account got locked meanwhile.
    pub async fn take(
        &self,
        app: &Union,
        meta: &RequestMeta,
        t: Transition<'_>,
    ) -> AppResult<Step> {
        if !self.step.may_follow().contains(&t.to) {
            return Err(ErrorCode::FlowOutOfOrder.into());
        }
        let mut log = meta.log(self, t.outcome);
        log.kana_name = t.kana_name;
        // SOA201's move names the account the flow now points at.
        if let AccountChange::Set(id) = t.account {
            log.account_id = Some(id);
        }
        let moved = app
            .tenant
            .transition(Move {
                flow_id: &self.row.id,
                from: self.step,
                to: t.to,
                now: self.now,
                account: t.account,
                email: t.email,
                unless_locked: t.guard.map(|g| (g.key(), app.lockout_threshold())),
                grant: t.grant,
                mail: t.mail,
                log,
            })
            .await?;
        if moved {
            crate::telemetry::flow_outcome(self.step.into(), t.outcome);
            return Ok(t.to);
        }
        match t.guard {
            Some(guard) => match guard.check().await? {
                Err(code) => Err(self.refuse(app, meta, code, t.kana_name).await),
                Ok(()) => Err(ErrorCode::FlowOutOfOrder.into()),
            },
            None => Err(ErrorCode::FlowOutOfOrder.into()),
        }
    }

    /// Refuses the request with `code`, writing the attempt's outcome to
    /// the operation log first.
    pub async fn refuse(
        &self,
        app: &Union,
        meta: &RequestMeta,
        code: ErrorCode,
        kana_name: Option<&str>,
    ) -> AppError {
        let mut log = meta.log(self, code.into());
        log.kana_name = kana_name;
        crate::telemetry::flow_outcome(self.step.into(), code.into());
        match app.tenant.log_operation(log).await {
            Ok(()) => code.into(),
            Err(e) => e.into(),
        }
    }
}
