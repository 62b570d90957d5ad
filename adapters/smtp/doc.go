// Package smtp is the notify.Mailer adapter for an SMTP submission server,
// built on github.com/wneessen/go-mail (imported as gomail: its package name
// is "mail").
//
// Each Send opens its own connection, sends one message and closes it:
// notification email is a trickle driven by the job queue, and a fresh
// connection per message keeps Send safe for concurrent workers and free of
// stale-connection handling.
//
// Connections are encrypted by default: STARTTLS is mandatory unless the
// configuration says otherwise, port 465 means TLS from the first byte, and
// no encryption at all is accepted only for a server on the loopback
// interface (a local relay or Mailpit), where credentials cannot cross a
// network.
//
// Errors tell the job queue what to do: a permanent (5xx) refusal of a
// recipient or of the message is EINVALID, as sending it again can never
// work, so the job can be dead-lettered; anything else (connection, TLS,
// authentication, temporary 4xx answers) is EINTERNAL and worth retrying,
// since fixing the server or the configuration makes it work.
package smtp
