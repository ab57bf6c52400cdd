/*
 * totp.h: time-based one-time passwords (RFC 6238) through liboath, and
 * the QR code of an otpauth:// URI through libqrencode.
 *
 * The parameters are the contract's and every authenticator app's
 * defaults: HMAC-SHA-1, 6 digits, 30-second steps from the Unix epoch,
 * one step of clock drift either way.
 */
#ifndef TIX_AUTH_TOTP_H
#define TIX_AUTH_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"

#define TIX_TOTP_SECRET_LEN	20	/* 160 bits, RFC 4226's advice */
#define TIX_TOTP_B32_LEN	32	/* base32 of 20 bytes, no padding */
#define TIX_TOTP_STEP		30
#define TIX_TOTP_DIGITS		6

/* A new random secret. */
void		tix_totp_new(unsigned char secret[TIX_TOTP_SECRET_LEN]);

/* The secret in base32 (RFC 4648, upper case, no padding) into out. */
enum tix_err	tix_totp_base32(const unsigned char *secret, size_t n,
		    char out[TIX_TOTP_B32_LEN + 1]);

/*
 * Whether code (exactly 6 ASCII digits) is the code of secret for the
 * step of now or the step before or after it; *step is then the step it
 * matched (to remember, so it is not accepted twice).
 */
bool		tix_totp_verify(const unsigned char *secret, size_t n,
		    time_t now, const char *code, int64_t *step);

/*
 * The QR code (error correction level M) of text as an SVG document
 * appended to out: one <path> of the dark modules on a white square with
 * a quiet zone of four modules.  TIX_EINVAL when text does not fit a
 * QR code; TIX_ENOMEM.
 */
enum tix_err	tix_qr_svg(const char *text, struct tix_buf *out);

#endif
