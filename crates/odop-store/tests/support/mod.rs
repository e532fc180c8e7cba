//! What the store's integration tests share.

use odop_store::DeskAccount;

/// A state editor's account for a state, or the central one for `None`.
pub fn account(name: &str, state: Option<u16>) -> DeskAccount {
    DeskAccount {
        name: name.into(),
        role: if state.is_some() {
            "state-editor"
        } else {
            "central"
        }
        .into(),
        state,
    }
}
