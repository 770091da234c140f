#!/usr/bin/python3
"""Sends one HL7 v2 message over MLLP with TLS, as a sender that is not Telehub's code (Python's ssl on OpenSSL and
python3-hl7's hl7.mllp), and prints the answer; exit 2 with the reason when TLS or the connection fails.

    /usr/bin/python3 mllp_tls_send.py HOST PORT CA FILE [CERT KEY]

CA: the PEM the server's certificate must be vouched for by (its name checked against HOST); CERT KEY: the
sender's own certificate, for a listener that requires one.
"""
import asyncio
import ssl
import sys

import hl7
from hl7.mllp import open_hl7_connection

HOST, PORT, CA, FILE = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


async def main():
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=CA)
    if len(sys.argv) > 6:
        context.load_cert_chain(sys.argv[5], sys.argv[6])
    with open(FILE, encoding="utf-8") as f:
        message = hl7.parse(f.read().replace("\n", "\r"))
    reader, writer = await asyncio.wait_for(open_hl7_connection(HOST, PORT, ssl=context), 10)
    try:
        writer.writemessage(message)
        await writer.drain()
        ack = await asyncio.wait_for(reader.readmessage(), 10)
        print(str(ack).replace("\r", "\n"))
    finally:
        writer.close()


try:
    asyncio.run(main())
except (OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.TimeoutError) as e:
    print(f"failed: {type(e).__name__}: {e}")
    sys.exit(2)
