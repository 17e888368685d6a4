//! The synonym and intent table: how users say what API operations call something else.
//!
//! Two kinds of entries, both small and written down here so they can be read and argued
//! about:
//!
//! - **Verb groups** ([`VERBS`]): `create` / `add` / `new` / `post` / `open` / ... are one
//!   intent, `delete` / `remove` another, and so on. A query word in a group also searches for
//!   the verbs APIs name that intent with (`create`, `add`; `delete`, `remove`; ...) at a lower
//!   weight ([`SYNONYM_WEIGHT`]), and the group says which HTTP methods fulfil the intent: a
//!   "list" or "show" task prefers `GET`, a "remove" task `DELETE`. The method preference is a
//!   ranking prior, never a filter. Only API verbs are searched for, not every trigger word:
//!   `all` says "list" but searching for it would favour Kubernetes' `...ForAllNamespaces`.
//! - **Word groups** ([`WORDS`]): abbreviations and spellings APIs and users disagree on
//!   (`repo` / `repository`, `org` / `organization`, `email` / `mail`), and the first person
//!   (`my`, `me`, `mine`), which APIs spell `me` (Microsoft Graph), `authenticated user`
//!   (GitHub) or `current`.
//!
//! The table holds general API vocabulary only; it is not tuned to any one spec.

use crate::manifest::HttpMethod;

/// Weight of a synonym relative to the word the user typed.
pub(crate) const SYNONYM_WEIGHT: f32 = 0.4;

/// One intent: the words that express it and how strongly each HTTP method fulfils it.
pub(crate) struct VerbGroup {
    /// Words that express the intent (lower case, unstemmed).
    pub words: &'static [&'static str],
    /// The verbs operation names use for it, searched for when any word of the group is used.
    pub expand: &'static [&'static str],
    /// Methods that fulfil it, with a preference in `0..=1`.
    pub methods: &'static [(HttpMethod, f32)],
    /// Whether the intent is about a collection rather than one item ("list" the pets, not
    /// "get" one pet): tools reading one item (`GET /pets/{id}`) then rank a little lower.
    pub collection: bool,
}

use HttpMethod::{Delete, Get, Patch, Post, Put};

/// API verb intents. A word may belong to more than one group (`show` lists and reads).
pub(crate) const VERBS: &[VerbGroup] = &[
    // create / add
    VerbGroup {
        words: &[
            "create", "add", "new", "post", "open", "make", "insert", "register", "submit",
            "publish", "start", "upload", "send",
        ],
        expand: &["create", "add"],
        methods: &[(Post, 1.0), (Put, 0.6)],
        collection: false,
    },
    // delete / remove
    VerbGroup {
        words: &[
            "delete", "remove", "destroy", "drop", "erase", "purge", "discard", "unset",
        ],
        expand: &["delete", "remove"],
        methods: &[(Delete, 1.0)],
        collection: false,
    },
    // list / get all / show
    VerbGroup {
        words: &["list", "all", "show", "browse", "enumerate", "every"],
        expand: &["list"],
        methods: &[(Get, 1.0)],
        collection: true,
    },
    // read one
    VerbGroup {
        words: &[
            "get", "read", "fetch", "retrieve", "show", "view", "see", "download", "describe",
            "inspect", "check",
        ],
        expand: &["get", "read", "retrieve"],
        methods: &[(Get, 1.0)],
        collection: false,
    },
    // update / edit / change / set
    VerbGroup {
        words: &[
            "update",
            "edit",
            "change",
            "set",
            "modify",
            "rename",
            "patch",
            "replace",
            "configure",
            "adjust",
            "mark",
            "enable",
            "disable",
            "toggle",
            "turn",
        ],
        expand: &["update", "set", "edit", "replace"],
        methods: &[(Patch, 1.0), (Put, 0.8), (Post, 0.4)],
        collection: false,
    },
    // search / find
    VerbGroup {
        words: &[
            "search", "find", "lookup", "look", "query", "filter", "locate",
        ],
        expand: &["search", "find"],
        methods: &[(Get, 1.0), (Post, 0.3)],
        collection: false,
    },
];

/// Spellings of one thing (lower case, unstemmed; multi-word entries are searched word by
/// word).
pub(crate) const WORDS: &[&[&str]] = &[
    &["repo", "repository"],
    &["org", "organization", "organisation"],
    &["pr", "pull request"],
    &["email", "mail", "message"],
    &["msg", "message"],
    &["config", "configuration"],
    &["env", "environment"],
    &["doc", "document"],
    &["info", "information"],
    &["auth", "authentication"],
    &["admin", "administrator"],
    &["app", "application"],
    &["dir", "directory"],
    // Not `authenticated` (GitHub's "for the authenticated user"): it stems like
    // `authentication`, which would pull in Graph's `/me/authentication/...`.
    &["my", "me", "mine", "myself"],
];

/// The verb groups `word` belongs to.
pub(crate) fn verb_groups(word: &str) -> impl Iterator<Item = &'static VerbGroup> + '_ {
    VERBS.iter().filter(move |g| g.words.contains(&word))
}

/// The other spellings of `word` (each may be several words).
pub(crate) fn spellings(word: &str) -> impl Iterator<Item = &'static str> + '_ {
    WORDS
        .iter()
        .filter(move |g| g.contains(&word))
        .flat_map(|g| g.iter().copied())
        .filter(move |w| *w != word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_lower_case_and_method_weights_in_range() {
        for g in VERBS {
            assert!(
                g.words
                    .iter()
                    .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
            );
            assert!(g.methods.iter().all(|(_, w)| (0.0..=1.0).contains(w)));
        }
        for g in WORDS {
            assert!(g.iter().all(|w| *w == w.to_lowercase()));
        }
    }

    #[test]
    fn lookups() {
        assert!(verb_groups("add").any(|g| g.words.contains(&"create")));
        assert!(verb_groups("show").count() == 2);
        assert!(verb_groups("pets").next().is_none());
        // "Mark an email as read" sets a flag: an update, preferring PATCH.
        let mark: Vec<_> = verb_groups("mark").collect();
        assert_eq!(mark.len(), 1);
        assert_eq!(mark[0].methods[0], (Patch, 1.0));
        let repo: Vec<&str> = spellings("repo").collect();
        assert_eq!(repo, ["repository"]);
        assert!(spellings("my").any(|w| w == "me"));
    }
}
