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
