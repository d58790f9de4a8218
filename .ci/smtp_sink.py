"""A local SMTP server for the production smoke run: STARTTLS required, each message
written to FOLDER/<n>.eml. Usage: smtp_sink.py PORT CERT KEY FOLDER"""
import signal
import ssl
import sys
from pathlib import Path

from aiosmtpd.controller import Controller

port, cert, key, folder = int(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
folder.mkdir(parents=True, exist_ok=True)


class Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        if session.ssl is None:
            return "530 5.7.0 STARTTLS first"
        Sink.count += 1
        (folder / f"{Sink.count:04d}.eml").write_bytes(envelope.original_content)
        return "250 OK"


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(Sink(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
controller.start()
print(f"smtp sink on 127.0.0.1:{port}, STARTTLS required", flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
try:
    signal.pause()
finally:
    controller.stop()
