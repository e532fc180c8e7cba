use odop_protocol::{Identity, Role, PROTOCOL_VERSION};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::LedgerError;

/// A server account: who a bearer token speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
    pub state: Option<u16>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

impl Account {
    /// A new account, checked: state roles need a state, central must not have one.
    pub fn new(name: &str, role: Role, state: Option<u16>) -> Result<Account, LedgerError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(LedgerError::BadAccount {
                problem: format!("account name {name:?} must be 1 to 100 printable characters"),
            });
        }
        match (role, state) {
            (Role::Central, Some(s)) => {
                return Err(LedgerError::BadAccount {
                    problem: format!("a central account belongs to no state (got --state {s})"),
                })
            }
            (Role::StateEditor | Role::StateViewer, None) => {
                return Err(LedgerError::BadAccount {
                    problem: format!("a {} account needs --state LGD-STATE-CODE", role.as_str()),
                })
            }
            _ => {}
        }
        Ok(Account {
            name: name.to_owned(),
            role,
            state,
            created_at: crate::now(),
            revoked_at: None,
        })
    }

    pub fn identity(&self) -> Identity {
        Identity {
            name: self.name.clone(),
            role: self.role,
            state: self.state,
            protocol: PROTOCOL_VERSION,
        }
    }

    /// May this account read rows of `state`?
    pub fn may_read(&self, state: u16) -> bool {
        match self.role {
            Role::Central => true,
            Role::StateEditor | Role::StateViewer => self.state == Some(state),
        }
    }

    /// The one state this account reads, or `None` for all of them.
    pub fn scope(&self) -> Option<u16> {
        match self.role {
            Role::Central => None,
            Role::StateEditor | Role::StateViewer => self.state,
        }
    }
}

/// A bearer token: shown once when made, kept only as its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token(pub String);

impl Token {
    /// 256 random bits, as 64 hex digits behind a recognisable prefix.
    pub fn generate() -> Result<Token, LedgerError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| LedgerError::Storage(format!("no randomness for a token: {e}").into()))?;
        Ok(Token(format!("odop_{}", hex(&bytes))))
    }

    pub fn hash(&self) -> String {
        token_hash(&self.0)
    }
}

/// The stored form of a token. Tokens carry 256 random bits, so a plain digest is enough: there
/// is nothing to guess that a slow hash would protect.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_roles_need_a_state_and_central_has_none() {
        assert!(Account::new("up", Role::StateEditor, None).is_err());
        assert!(Account::new("dpiit", Role::Central, Some(9)).is_err());
        assert!(Account::new("", Role::Central, None).is_err());
        let a = Account::new("up", Role::StateViewer, Some(9)).unwrap();
        assert!(a.may_read(9) && !a.may_read(10));
        assert!(Account::new("dpiit", Role::Central, None)
            .unwrap()
            .may_read(10));
    }

    #[test]
    fn tokens_differ_and_hash_stably() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_ne!(a, b);
        assert!(a.0.starts_with("odop_") && a.0.len() == 69);
        assert_eq!(a.hash(), token_hash(&a.0));
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
