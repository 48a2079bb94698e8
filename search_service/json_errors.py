"""Error answers made by code the app uses but does not write (Starlette's CORS preflight refusal, a
FileResponse's Range errors) come as text/plain; this turns them into the app's JSON shape,
`{"detail", "errors"}`, so a client parses every error the same way.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_TEXT = 4096  # these bodies are one short sentence; the rest of a longer one is dropped


class JsonErrors:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        body = b""
        done = False

        async def send_json(message: Message) -> None:
            nonlocal held, body, done
            if done:
                return
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if message["status"] >= 400 and content_type.startswith(b"text/plain"):
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                body += message.get("body", b"")
                if message.get("more_body", False) and len(body) <= MAX_TEXT:
                    return
                text = body.decode("utf-8", "replace").strip()[:MAX_TEXT] or "request failed"
                data = json.dumps({"detail": text, "errors": []}).encode()
                headers = [(k, v) for k, v in held.get("headers", []) if k not in (b"content-type", b"content-length")]
                headers += [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
                await send({**held, "headers": headers})
                done = True
                message = {"type": "http.response.body", "body": data, "more_body": False}
            await send(message)

        await self.app(scope, receive, send_json)
