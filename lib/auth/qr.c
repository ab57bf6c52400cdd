/*
 * qr.c: QR codes as SVG over libqrencode.  The only file that includes
 * <qrencode.h>.
 */
#include <qrencode.h>

#include "auth/totp.h"

/* Modules of white around the code: the standard's quiet zone. */
#define QUIET	4

enum tix_err
tix_qr_svg(const char *text, struct tix_buf *out)
{
	QRcode		*qr;
	enum tix_err	 rc;
	int		 x, y, size;

	qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (qr == NULL)
		return TIX_EINVAL;
	size = qr->width + 2 * QUIET;
	rc = tix_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
	    " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
	    " shape-rendering=\"crispEdges\">\n"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
	    "<path fill=\"#000\" d=\"", size, size, size * 6, size * 6, size,
	    size);
	for (y = 0; rc == TIX_OK && y < qr->width; y++)
		for (x = 0; rc == TIX_OK && x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				rc = tix_buf_printf(out, "M%d %dh1v1h-1z",
				    x + QUIET, y + QUIET);
	if (rc == TIX_OK)
		rc = tix_buf_adds(out, "\"/>\n</svg>\n");
	QRcode_free(qr);
	return rc;
}
