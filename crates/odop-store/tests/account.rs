//! The account a desk syncs as: noted, described, and changed by a login, which starts the desk
//! over when it changes hands or servers.

use odop_store::{Resync, Store, Takeover};

mod support;
use support::account;

#[test]
fn an_account_is_kept_and_described_by_its_state() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.account().unwrap(), None);
    let up = account("up-officer", Some(9));
    store.set_account(&up).unwrap();
    assert_eq!(store.account().unwrap(), Some(up.clone()));
    assert_eq!(
        store.describe_account(&up).unwrap(),
        "state 9 (account \"up-officer\")"
    );
    let central = account("dpiit", None);
    assert_eq!(
        store.describe_account(&central).unwrap(),
        "every state (account \"dpiit\")"
    );
    assert!(up.same_scope(&account("up-viewer", Some(9))));
    assert!(!up.same_scope(&account("bihar", Some(10))));
    assert!(!up.same_scope(&central));
}

#[test]
fn a_desk_handed_to_another_account_starts_over_and_keeps_its_waiting_changes() {
    let mut store = Store::open_in_memory().unwrap();
    store.load_sample("up-a").unwrap();
    let waiting = store.sync_counts().unwrap().pending;
    assert!(waiting > 0);
    // Synced before any account was noted: it cannot tell whose its client is.
    let mut unnoted = Store::open_in_memory().unwrap();
    unnoted.set_sync_client("desk-0").unwrap();
    assert!(unnoted
        .change_account(&account("up-a", Some(9)), Takeover::Refuse)
        .unwrap());
    assert_eq!(unnoted.sync_point().unwrap().client, None);
    // Never synced: a first login only notes the account.
    assert!(!store
        .change_account(&account("up-a", Some(9)), Takeover::Refuse)
        .unwrap());
    store.set_sync_client("desk-1").unwrap();
    assert!(!store
        .change_account(&account("up-a", Some(9)), Takeover::Refuse)
        .unwrap());
    assert_eq!(
        store.sync_point().unwrap().client.as_deref(),
        Some("desk-1")
    );

    assert!(store
        .change_account(&account("up-b", Some(9)), Takeover::Refuse)
        .unwrap());
    let point = store.sync_point().unwrap();
    assert_eq!(point.client, None, "the next round names a new client");
    assert_eq!(point.resync, Some(Resync::Rewound));
    assert_eq!(store.sync_counts().unwrap().pending, waiting);
    assert_eq!(store.account().unwrap().unwrap().name, "up-b");

    store.set_sync_client("desk-2").unwrap();
    let err = store
        .change_account(&account("dpiit", None), Takeover::Refuse)
        .unwrap_err();
    assert_eq!(err.code(), "other_account");
    assert!(
        err.to_string().contains(&format!("{waiting} change(s)")),
        "{err}"
    );
    assert_eq!(store.account().unwrap().unwrap().name, "up-b");
    assert_eq!(
        store.sync_point().unwrap().client.as_deref(),
        Some("desk-2")
    );
    assert!(store
        .change_account(&account("dpiit", None), Takeover::Allow)
        .unwrap());
    assert_eq!(store.account().unwrap().unwrap().state, None);

    // Moved to another server, it compares everything there and sends what is missing.
    store.set_sync_client("desk-3").unwrap();
    assert!(store.move_to_server(&account("up-c", Some(9))).unwrap());
    let point = store.sync_point().unwrap();
    assert_eq!((point.client, point.resync), (None, Some(Resync::Restored)));
    assert_eq!(store.sync_counts().unwrap().pending, waiting);
    assert_eq!(store.account().unwrap().unwrap().name, "up-c");
}
