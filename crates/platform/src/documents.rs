//! Uploaded documents: app icons, MRD and PRD files. Stored in the database so that several
//! nodes on one PostgreSQL need no shared disk.

use kaifang_store::args;

use crate::accounts::{Account, Role};
use crate::{Error, Platform, Result};

/// Metadata of an upload.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Document {
    /// Id to reference from an app.
    pub id: i64,
    /// The uploader.
    pub owner_id: i64,
    /// File name as uploaded.
    pub file_name: String,
    /// MIME type as uploaded.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
}

/// Stores an upload after checking its size.
pub async fn upload(
    p: &Platform,
    owner: &Account,
    file_name: &str,
    content_type: &str,
    data: &[u8],
) -> Result<Document> {
    if data.is_empty() {
        return Err(Error::invalid(
            "the uploaded file is empty; choose a file with content",
        ));
    }
    if data.len() > p.rules.max_upload_bytes {
        return Err(Error::too_large(format!(
            "the file is {} bytes; uploads may be at most {} bytes",
            data.len(),
            p.rules.max_upload_bytes
        )));
    }
    let file_name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let size = i64::try_from(data.len()).map_err(Error::internal)?;
    let id =
        p.db.scalar(
            "INSERT INTO documents (owner_id, file_name, content_type, size, data, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &args![
                owner.id,
                file_name.as_str(),
                content_type,
                size,
                data,
                p.now()
            ],
        )
        .await?;
    Ok(Document {
        id,
        owner_id: owner.id,
        file_name,
        content_type: content_type.into(),
        size,
    })
}

/// Checks that `id` is an upload `owner` may attach; operators may attach any.
pub async fn ensure_usable(p: &Platform, owner: &Account, id: i64) -> Result<()> {
    let row =
        p.db.fetch_optional("SELECT owner_id FROM documents WHERE id = $1", &args![id])
            .await?;
    match row {
        Some(r) if r.i64("owner_id")? == owner.id || owner.role == Role::Operator => Ok(()),
        _ => Err(Error::not_found(format!(
            "document {id} does not exist or is not yours; upload it first"
        ))),
    }
}

/// Reads an upload's metadata and bytes, for its owner or an operator.
pub async fn download(p: &Platform, viewer: &Account, id: i64) -> Result<(Document, Vec<u8>)> {
    let r =
        p.db.fetch_optional(
            "SELECT owner_id, file_name, content_type, size, data FROM documents WHERE id = $1",
            &args![id],
        )
        .await?
        .ok_or_else(|| Error::not_found(format!("document {id} does not exist")))?;
    let owner_id = r.i64("owner_id")?;
    if owner_id != viewer.id && viewer.role != Role::Operator {
        return Err(Error::not_found(format!("document {id} does not exist")));
    }
    let doc = Document {
        id,
        owner_id,
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size: r.i64("size")?,
    };
    Ok((doc, r.bytes("data")?))
}
