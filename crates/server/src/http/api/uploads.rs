//! Uploads (multipart field `file`): icons, MRD and PRD documents.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kaifang_platform::documents::{self, Document};

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::id;
use crate::http::{Caller, Ctx};

/// Upload a file as multipart form data with a part named `file`.
#[utoipa::path(post, path = "/api/uploads", tag = "uploads",
    responses((status = 200, body = Document), (status = 400), (status = 413)))]
pub async fn upload(
    State(ctx): State<Ctx>,
    caller: Caller,
    mut form: Multipart,
) -> ApiResult<Json<Document>> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::invalid(format!("multipart body: {}", e.body_text()))
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_string();
        let ctype = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let data = field.bytes().await.map_err(bad)?;
        return Ok(Json(
            documents::upload(&ctx.platform, &caller.account, &name, &ctype, &data).await?,
        ));
    }
    Err(ApiError::invalid(
        "send the file as a multipart part named \"file\"",
    ))
}

/// Download an upload (its owner or an operator).
#[utoipa::path(get, path = "/api/uploads/{id}", tag = "uploads", responses((status = 200), (status = 404)))]
pub async fn download(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Response> {
    let (doc, data) =
        documents::download(&ctx.platform, &caller.account, id("upload id", &raw)?).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        doc.file_name.replace(['"', '\\'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, doc.content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        data,
    )
        .into_response())
}
