"""A WebSocket test client for the ASGI application, as Channels' WebsocketCommunicator (whose package
would pull in the Daphne server just to import): asgiref's ApplicationCommunicator speaking the
websocket protocol."""

import json

from asgiref.testing import ApplicationCommunicator


class Socket(ApplicationCommunicator):
    def __init__(self, application, path: str, headers: list):
        super().__init__(application, {"type": "websocket", "path": path, "raw_path": path.encode(),
                                       "query_string": b"", "headers": headers, "subprotocols": [],
                                       "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8001)})

    async def connect(self, timeout=3):
        """(connected, close code)."""
        await self.send_input({"type": "websocket.connect"})
        answer = await self.receive_output(timeout)
        if answer["type"] == "websocket.close":
            return False, answer.get("code", 1000)
        return True, None

    async def send_json_to(self, data):
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout=3):
        answer = await self.receive_output(timeout)
        assert answer["type"] == "websocket.send", answer
        return json.loads(answer["text"])

    async def disconnect(self, code=1000, timeout=3):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)

    async def receive_nothing(self, timeout=0.5):
        """True when nothing arrives within `timeout` seconds."""
        return await super().receive_nothing(timeout)
