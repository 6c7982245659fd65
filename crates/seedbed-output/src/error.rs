//! The one error type of this crate.

use std::fmt;
use std::path::{Path, PathBuf};

/// Everything that can go wrong while writing or reading run outputs.
#[derive(Debug)]
pub enum Error {
    /// An operating-system error on `path`.
    Io { path: PathBuf, source: std::io::Error },
    /// The Parquet library failed on `path`.
    Parquet { path: PathBuf, source: parquet::errors::ParquetError },
    /// The Arrow library failed on `path` (building or reading record batches).
    Arrow { path: PathBuf, source: arrow_schema::ArrowError },
    /// Serialising JSON for `path` failed.
    Json { path: PathBuf, source: serde_json::Error },
    /// A frame does not fit the table: different columns than the first frame, columns of
    /// unequal length, data of the wrong type, or a file with a type we cannot read.
    Schema { path: PathBuf, message: String },
    /// `RunDir::create` refuses to reuse an existing output directory.
    AlreadyExists { path: PathBuf },
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), source }
    }
    /// A schema error on `path`.
    pub(crate) fn schema(path: &Path, message: impl Into<String>) -> Self {
        Error::Schema { path: path.to_path_buf(), message: message.into() }
    }
    /// A Parquet error on `path`.
    pub(crate) fn parquet(path: &Path, source: parquet::errors::ParquetError) -> Self {
        Error::Parquet { path: path.to_path_buf(), source }
    }
    /// An Arrow error on `path`.
    pub(crate) fn arrow(path: &Path, source: arrow_schema::ArrowError) -> Self {
        Error::Arrow { path: path.to_path_buf(), source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Parquet { path, source } => write!(f, "{}: parquet: {source}", path.display()),
            Error::Arrow { path, source } => write!(f, "{}: arrow: {source}", path.display()),
            Error::Json { path, source } => write!(f, "{}: json: {source}", path.display()),
            Error::Schema { path, message } => write!(f, "{}: {message}", path.display()),
            Error::AlreadyExists { path } => {
                write!(f, "output directory {} already exists; choose another --out or remove it", path.display())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Parquet { source, .. } => Some(source),
            Error::Arrow { source, .. } => Some(source),
            Error::Json { source, .. } => Some(source),
            Error::Schema { .. } | Error::AlreadyExists { .. } => None,
        }
    }
}
