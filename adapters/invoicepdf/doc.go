// Package invoicepdf renders billing invoices and credit notes as A4 PDF
// documents with github.com/go-pdf/fpdf.
//
// The renderer draws only what the invoice already holds: the company and
// customer snapshots frozen at issue, the lines, and the totals and tax the
// billing domain computed. It never recomputes money, so the PDF cannot
// disagree with the stored invoice.
//
// fpdf's core fonts (Helvetica) need no font files, which keeps the adapter
// free of assets, but they draw cp1252 only. Text is therefore normalised
// (NFC) and translated to cp1252; characters outside it (Cyrillic, CJK,
// emoji) are drawn as "?" rather than corrupting the file or panicking.
//
// Output is deterministic: the document dates come from the invoice and
// fpdf's resource catalogs are sorted, so rendering the same invoice twice
// yields the same bytes, which lets callers cache or hash invoice PDFs.
package invoicepdf
