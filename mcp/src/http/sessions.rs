//! Stateful sessions that cancel a request whose client went away.
//!
//! In stateful mode each client request gets its own SSE response stream. rmcp's
//! [`LocalSessionManager`] keeps running a request whose stream was dropped (the client
//! disconnected mid-call): the handler, and the HTTP request it makes, would run to the end
//! for nobody. [`CancellingSessions`] wraps it: when a request's stream is dropped before its
//! response went out, it delivers `notifications/cancelled` for that request to the session,
//! which cancels the handler exactly as if the client had sent it (stateless mode gets the same
//! from rmcp itself, per request).

use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use rmcp::model::{ClientJsonRpcMessage, JsonRpcMessage, RequestId, ServerJsonRpcMessage};
use rmcp::transport::common::server_side_http::{ServerSseMessage, SessionId};
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError,
};
use rmcp::transport::streamable_http_server::session::{RestoreOutcome, SessionManager};

/// [`LocalSessionManager`] plus cancellation of requests whose stream was dropped.
#[derive(Debug, Default)]
pub(crate) struct CancellingSessions {
    inner: Arc<LocalSessionManager>,
}

/// Sends `notifications/cancelled` for `request` when dropped before `answered`.
struct CancelOnDrop {
    sessions: Arc<LocalSessionManager>,
    session: SessionId,
    request: RequestId,
    answered: bool,
}

impl CancelOnDrop {
    /// Notes whether `message` answers the request.
    fn see(&mut self, message: &ServerSseMessage) {
        let answers = match message.message.as_deref() {
            Some(JsonRpcMessage::Response(r)) => r.id == self.request,
            Some(JsonRpcMessage::Error(e)) => e.id.as_ref() == Some(&self.request),
            _ => false,
        };
        self.answered |= answers;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let cancel = serde_json::json!({
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": {"requestId": self.request, "reason": "the client disconnected"},
        });
        let Ok(message) = serde_json::from_value::<ClientJsonRpcMessage>(cancel) else {
            return;
        };
        let sessions = Arc::clone(&self.sessions);
        let session = self.session.clone();
        tracing::info!(
            request = %self.request,
            "the client left before its answer; request cancelled"
        );
        runtime.spawn(async move {
            // The session may be gone already (then nothing runs any more anyway).
            let _ = sessions.accept_message(&session, message).await;
        });
    }
}

impl SessionManager for CancellingSessions {
    type Error = LocalSessionManagerError;
    type Transport = <LocalSessionManager as SessionManager>::Transport;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        self.inner.create_session().await
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        self.inner.initialize_session(id, message).await
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        self.inner.has_session(id).await
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        self.inner.close_session(id).await
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        let request = match &message {
            JsonRpcMessage::Request(r) => Some(r.id.clone()),
            _ => None,
        };
        let stream = self.inner.create_stream(id, message).await?;
        let mut guard = request.map(|request| CancelOnDrop {
            sessions: Arc::clone(&self.inner),
            session: id.clone(),
            request,
            answered: false,
        });
        Ok(stream.inspect(move |m| {
            if let Some(g) = guard.as_mut() {
                g.see(m);
            }
        }))
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        self.inner.accept_message(id, message).await
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.inner.create_standalone_stream(id).await
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.inner.resume(id, last_event_id).await
    }

    async fn restore_session(
        &self,
        id: SessionId,
    ) -> Result<RestoreOutcome<Self::Transport>, Self::Error> {
        self.inner.restore_session(id).await
    }

    fn event_store(
        &self,
    ) -> Option<Arc<dyn rmcp::transport::streamable_http_server::session::EventStore>> {
        self.inner.event_store()
    }
}
