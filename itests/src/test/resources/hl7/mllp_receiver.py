#!/usr/bin/python3
"""An HL7 v2 receiver that is not Telehub's code, for Hl7IT: python3-hl7's asyncio MLLP server (hl7.mllp) and its ACK
builder. Each message is written to OUT_DIR/<n>.hl7; the answer is what the file MODE_FILE says when it arrives:
AA, AE or AR (an ACK with that code; AE and AR carry an ERR), or silent (no answer, connection kept).

    /usr/bin/python3 mllp_receiver.py PORT MODE_FILE OUT_DIR [CERT KEY CA]

With CERT KEY CA it speaks TLS (Python's ssl, OpenSSL): its certificate and key (PEM), and it requires the sender's
certificate, vouched for by CA.
"""
import asyncio
import itertools
import pathlib
import ssl
import sys

import hl7
from hl7.mllp import start_hl7_server

PORT, MODE_FILE, OUT_DIR = int(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
COUNTER = itertools.count(1)
TLS = None
if len(sys.argv) > 4:
    TLS = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=sys.argv[6])
    TLS.load_cert_chain(sys.argv[4], sys.argv[5])
    TLS.verify_mode = ssl.CERT_REQUIRED


async def serve(reader, writer):
    try:
        while not writer.is_closing():
            message = await reader.readmessage()
            n = next(COUNTER)
            (OUT_DIR / f"{n:05d}.hl7").write_text(str(message), encoding="utf-8")
            mode = MODE_FILE.read_text().strip() if MODE_FILE.exists() else "AA"
            if mode == "silent":
                continue
            ack = message.create_ack(ack_code=mode, application="PYRECV", facility="TEST")
            if mode != "AA":
                ack = hl7.parse(str(ack).rstrip("\r") + "\rERR|||207^Application internal error^HL70357|E|||receiver says " + mode)
            writer.writemessage(ack)
            await writer.drain()
    except asyncio.IncompleteReadError:
        pass
    finally:
        writer.close()


async def main():
    async with await start_hl7_server(serve, host="127.0.0.1", port=PORT, ssl=TLS) as server:
        print("listening", flush=True)
        await server.serve_forever()


asyncio.run(main())
