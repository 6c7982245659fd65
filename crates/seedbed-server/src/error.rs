//! Errors of the API as JSON: a message, and for an invalid scenario the same report as
//! `seedbed check` (file:line:column, parameter path, allowed range, the source line underlined)
//! with every problem listed.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miette::{GraphicalReportHandler, GraphicalTheme};
use seedbed_scenario::ScenarioError;
use serde_json::{Value, json};

/// An API error: HTTP status and JSON body `{error, report?, problems?}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiError {
    /// Bad input (400) described by `message`.
    pub fn bad_request(message: impl std::fmt::Display) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, body: json!({ "error": message.to_string() }) }
    }

    /// Not found (404).
    pub fn not_found(message: impl std::fmt::Display) -> ApiError {
        ApiError { status: StatusCode::NOT_FOUND, body: json!({ "error": message.to_string() }) }
    }

    /// Too many requests (429): the queue is full.
    pub fn busy(message: impl std::fmt::Display) -> ApiError {
        ApiError { status: StatusCode::TOO_MANY_REQUESTS, body: json!({ "error": message.to_string() }) }
    }

    /// A server-side failure (500).
    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, body: json!({ "error": message.to_string() }) }
    }

    /// An invalid scenario (400): one line per problem (`file:line:column: path: message`),
    /// the graphical report with the source underlined, and the problems as objects.
    pub fn scenario(e: &ScenarioError) -> ApiError {
        let mut report = String::new();
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
        if handler.render_report(&mut report, e).is_err() {
            report.clear();
        }
        let problems: Vec<Value> = e
            .problems()
            .iter()
            .map(|p| {
                json!({
                    "path": p.path,
                    "message": p.message,
                    "line": p.location.as_ref().map(|l| l.line),
                    "column": p.location.as_ref().map(|l| l.column),
                })
            })
            .collect();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: json!({ "error": e.to_string(), "report": report, "problems": problems }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
