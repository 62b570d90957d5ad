-- name: UserInsert :execlastid
INSERT INTO users (email, password_hash, role, status, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?);

-- name: ProfileInsert :exec
INSERT INTO profiles (
    user_id, name, company, phone, address, city, region, postal, country, vat_id, tax_exempt, admin_notes,
    shipping_address, shipping_city, shipping_region, shipping_postal, shipping_country
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: CustomerGetByID :one
SELECT u.id, u.email, p.name, p.company, p.address, p.city, p.region, p.postal, p.country, p.vat_id, p.tax_exempt
FROM users u
JOIN profiles p ON p.user_id = u.id
WHERE u.id = ?;

-- name: CustomerSearch :many
-- Customers whose email, name or company contains the text (already
-- lower-cased; INSTR, unlike LIKE, has no wildcards to escape), newest
-- first, one page of 50 after a given id (0 for the first page); empty
-- text lists everyone.
SELECT u.id, u.email, u.status, u.created_at, p.name, p.company, p.country
FROM users u
JOIN profiles p ON p.user_id = u.id
WHERE u.role = 'customer'
  AND (? = '' OR INSTR(LOWER(u.email), ?) > 0 OR INSTR(LOWER(p.name), ?) > 0 OR INSTR(LOWER(p.company), ?) > 0)
  AND (? = 0 OR u.id < ?)
ORDER BY u.id DESC
LIMIT 50;
