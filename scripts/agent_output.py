# SPDX-License-Identifier: GPL-2.0
"""The agent's output, as qemu-boot.py and bench.py read it.

The agent (agent/) prints one line per event and per test result:
"PVMMU-AGENT: {json}". On a serial console a kernel message may come
before it on the same line, or be written into the middle of it.
"""

import json
import re

AGENT_RE = re.compile(r"PVMMU-AGENT: (.*)$")


def agent_line(text):
    """None if @text holds no agent line; else (start, record).

    start: where the agent line begins in @text (what comes before is
    kernel output); record: the JSON object, or None when the line is
    garbled (most likely a kernel message interleaved with it).
    """
    m = AGENT_RE.search(text)
    if not m:
        return None
    try:
        record = json.loads(m.group(1))
    except ValueError:
        record = None
    return m.start(), record if isinstance(record, dict) else None
