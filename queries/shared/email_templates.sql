-- name: EmailTemplateGet :one
SELECT * FROM email_templates WHERE kind = ?;

-- name: EmailTemplateList :many
SELECT * FROM email_templates ORDER BY kind;

-- name: EmailTemplateDelete :execrows
DELETE FROM email_templates WHERE kind = ?;

-- name: EmailTemplateInsert :exec
INSERT INTO email_templates (kind, subject, text_body, html_body, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?);
