// Package secretbox encrypts the platform's secrets at rest: TOTP secrets,
// control panel credentials and third-party API keys. It is the one place
// that does so, so every secret column has the same format and the same
// rotation story.
//
// # Format
//
// A sealed value is a printable string of three dot-separated parts:
//
//	v1.<keyid>.<base64url(nonce || ciphertext || tag)>
//
// "v1" names the scheme: AES-256-GCM with a random 96-bit nonce per message
// and a 128-bit tag. The key id ([a-z0-9-]{1,32}) names the key that sealed
// the value, so a keyring holding old and new keys opens both while new
// values are sealed with the primary key only. The last part is unpadded
// base64url (RFC 4648 §5). Neither the key id nor base64url contains a dot,
// so the parts split unambiguously. The "v1.<keyid>." header is
// authenticated along with the caller's associated data, so it cannot be
// edited without Open failing.
//
// # Associated data
//
// Seal and Open take associated data that binds a ciphertext to the row it
// belongs to, for example "user:42:totp". It is not stored in the sealed
// value; the caller supplies the same string when opening. A secret copied
// to another row, or to another column of the same row, then fails to open
// instead of silently authenticating as someone else's.
//
// # Keys and rotation
//
// Keys are 32 random bytes, configured as a string such as
// "k2:BASE64KEY,k1:BASE64KEY" (standard base64; the first key is the
// primary), for example from an environment variable; `openssl rand -base64
// 32` makes a key. To rotate, put a new key first and keep the old ones;
// then re-seal stored values with [Keyring.Rotate] wherever
// [Keyring.NeedsRotation] reports true, and drop the old key once none is
// left. Random nonces make one key safe for about 2^32 seals, which rotation
// also keeps out of reach.
package secretbox
