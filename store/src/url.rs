//! Store URLs: `sqlite:PATH` or `postgres://...`, shown with the password redacted.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::{Store, StoreError};

/// Where a store lives: `sqlite:PATH` (also `sqlite://PATH`) or `postgres://USER:PASSWORD@HOST
/// /DB` (also `postgresql://`, and libpq's `?host=/socket/dir` for a Unix socket).
///
/// `Display` and `Debug` never show the password:
///
/// ```
/// use openapi_tools_store::StoreUrl;
/// let url = StoreUrl::parse("postgres://ops:s3cret@db.internal:5432/tools?password=again").unwrap();
/// assert_eq!(url.to_string(), "postgres://ops:***@db.internal:5432/tools?password=***");
/// assert!(!format!("{url:?}").contains("s3cret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// An SQLite file (created when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (kept whole: it may carry a password).
    Postgres(String),
}

impl StoreUrl {
    /// Parses a store URL.
    pub fn parse(url: &str) -> Result<StoreUrl, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::Url(
                    "`sqlite:` needs a file path, e.g. `sqlite:/var/lib/openapi-tools/tools.db`"
                        .into(),
                ));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(url.to_owned()));
        }
        Err(StoreError::Url(format!(
            "`{}` is not a store URL: use `sqlite:PATH` or `postgres://USER@HOST/DB`",
            redact(url)
        )))
    }

    /// Opens (and creates or migrates) the store. A backend this build was compiled without
    /// is an error that names the feature.
    pub fn open(&self) -> Result<Arc<dyn Store>, StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            StoreUrl::Sqlite(path) => Ok(Arc::new(crate::SqliteStore::open(path)?)),
            #[cfg(feature = "postgres")]
            StoreUrl::Postgres(url) => Ok(Arc::new(crate::PostgresStore::connect(url)?)),
            #[allow(unreachable_patterns)]
            other => Err(StoreError::Url(format!(
                "{other}: this build has no {} store (feature `{}`)",
                other.kind(),
                other.kind()
            ))),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreUrl::Sqlite(_) => "sqlite",
            StoreUrl::Postgres(_) => "postgres",
        }
    }
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreUrl::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreUrl({self})")
    }
}

/// `url` with the password of its user-info part and of any `password=` parameter replaced by
/// `***`.
pub(crate) fn redact(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    match head.split_once("://") {
        Some((scheme, rest)) => {
            out.push_str(scheme);
            out.push_str("://");
            // The user-info ends at the last `@` (a password may hold `/` or `@`).
            match rest.rfind('@') {
                Some(at) => {
                    let (userinfo, host) = (&rest[..at], &rest[at + 1..]);
                    match userinfo.split_once(':') {
                        Some((user, _)) => {
                            out.push_str(user);
                            out.push_str(":***");
                        }
                        None => out.push_str(userinfo),
                    }
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(rest),
            }
        }
        None => out.push_str(head),
    }
    if let Some(query) = query {
        out.push('?');
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => p.to_owned(),
            })
            .collect();
        out.push_str(&params.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        for (url, shown) in [
            ("postgres://u:p%40ss@h:5/d", "postgres://u:***@h:5/d"),
            ("postgresql://u@h/d", "postgresql://u@h/d"),
            (
                "postgres://h/d?user=u&password=x&sslmode=disable",
                "postgres://h/d?user=u&password=***&sslmode=disable",
            ),
            ("postgres://u:a@b@h/d", "postgres://u:***@h/d"),
            ("postgres://u:a/b@h/d", "postgres://u:***@h/d"),
        ] {
            let parsed = StoreUrl::parse(url).unwrap();
            assert_eq!(parsed.to_string(), shown);
            assert_eq!(format!("{parsed:?}"), format!("StoreUrl({shown})"));
        }
        let err = StoreUrl::parse("mysql://u:hunter2@h/d").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            StoreUrl::parse("sqlite:/tmp/x.db").unwrap(),
            StoreUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            StoreUrl::parse("sqlite://rel/x.db").unwrap(),
            StoreUrl::Sqlite("rel/x.db".into())
        );
        assert!(StoreUrl::parse("sqlite:").is_err());
    }
}
